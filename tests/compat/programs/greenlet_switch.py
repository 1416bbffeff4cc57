# greenlet (C++): switching between greenlets, exceptions across switches, throw, threads.
import threading

import greenlet

log = []


def producer(n):
    for i in range(n):
        log.append("produce %d" % i)
        consumer_g.switch(i)
    return "producer done"


def consumer():
    while True:
        item = main.switch()
        log.append("consume %s" % (item,))


main = greenlet.getcurrent()
consumer_g = greenlet.greenlet(consumer)
consumer_g.switch()
producer_g = greenlet.greenlet(producer)
result = None
for _ in range(4):
    result = producer_g.switch(3) if not producer_g else producer_g.switch()
print("log", log)
print("result", result, producer_g.dead, consumer_g.dead)


def raiser():
    raise KeyError("inside")


try:
    greenlet.greenlet(raiser).switch()
except KeyError as e:
    print("propagated", e)


def waiter():
    try:
        main.switch("waiting")
    except ValueError as e:
        return "caught " + str(e)


g = greenlet.greenlet(waiter)
print("first", g.switch())
print("throw", g.throw(ValueError("thrown")))
g2 = greenlet.greenlet(lambda: main.switch())
g2.switch()
g2.throw(greenlet.GreenletExit)
print("exit", g2.dead)
out = []
t = threading.Thread(target=lambda: out.append(greenlet.getcurrent() is not main))
t.start()
t.join()
print("thread", out, greenlet.getcurrent() is main, main.parent is None)
