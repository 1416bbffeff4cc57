# psutil (C extensions psutil._psutil_linux): only booleans and types are printed.
import os
import subprocess
import sys

import psutil

p = psutil.Process()
print("pid", p.pid == os.getpid(), psutil.pid_exists(os.getpid()))
print("ppid", p.ppid() == os.getppid(), p.parent() is not None)
print("status", p.status() in (psutil.STATUS_RUNNING, psutil.STATUS_SLEEPING))
print("cmdline", isinstance(p.cmdline(), list), len(p.cmdline()) >= 1)
print("exe", os.path.samefile(p.exe(), sys.executable))
mem = p.memory_info()
print("memory", mem.rss > 1024 * 1024, mem.vms >= mem.rss, type(p.memory_percent()).__name__)
print("cpu", type(p.cpu_times().user).__name__, psutil.cpu_count() >= 1)
print("threads", p.num_threads() >= 1, p.num_fds() >= 3)
print("files", isinstance(p.open_files(), list), p.cwd() == os.getcwd())
vm = psutil.virtual_memory()
print("virtual_memory", vm.total > vm.available > 0, 0 <= vm.percent <= 100)
print("disk", psutil.disk_usage("/").total > 0, isinstance(psutil.disk_partitions(all=True), list))
print("boot", psutil.boot_time() > 1e9, isinstance(psutil.users(), list))
print("net", isinstance(psutil.net_io_counters(pernic=True), dict), "lo" in psutil.net_if_addrs())
child = subprocess.Popen(["/bin/sleep", "0.2"])
print("children", [c.pid for c in p.children()] == [child.pid])
gone, alive = psutil.wait_procs([psutil.Process(child.pid)], timeout=5)
print("waited", [g.pid for g in gone] == [child.pid], alive == [])
try:
    psutil.Process(2 ** 22 + 12345)
except psutil.NoSuchProcess as e:
    print("no such process", type(e).__name__)
print("linux", psutil.LINUX, psutil.version_info >= (5, 0))
