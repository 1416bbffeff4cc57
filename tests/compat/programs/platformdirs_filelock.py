# platformdirs (XDG folders; only their last parts are printed) and filelock (file locks in the
# current folder, with threads).
import os
import threading

import filelock
import platformdirs

dirs = platformdirs.PlatformDirs("FrostApp", "Frost", version="1.0")
print("dirs", type(dirs).__name__, os.path.basename(dirs.user_cache_dir), os.path.basename(dirs.user_config_dir))
print("paths", dirs.user_data_path.parts[-2:], platformdirs.user_log_path("FrostApp").parts[-2:])
print("absolute", os.path.isabs(platformdirs.user_cache_dir()), os.path.isabs(platformdirs.site_data_dir()))

lock = filelock.FileLock("state.json.lock", timeout=5)
order = []


def worker(n):
    with lock:
        with open("state.json", "a") as f:
            f.write("%d\n" % n)
        order.append(n)


with lock:
    print("locked", lock.is_locked, lock.lock_counter)
    with lock:
        print("reentrant", lock.lock_counter)
print("released", lock.is_locked, os.path.exists("state.json.lock"))
threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with open("state.json") as f:
    print("written", sorted(int(x) for x in f.read().split()), len(order))
other = filelock.FileLock("busy.lock")
other.acquire()
holder_done = threading.Event()
result = []


def contender():
    try:
        filelock.FileLock("busy.lock", timeout=0.05, thread_local=False, is_singleton=False).acquire()
        result.append("acquired")
    except filelock.Timeout:
        result.append("timeout")


t = threading.Thread(target=contender)
t.start()
t.join()
other.release()
print("contended", result, type(filelock.SoftFileLock("soft.lock")).__name__)
