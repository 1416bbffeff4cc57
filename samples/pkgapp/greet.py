def hello(name):
    return "hello, %s" % name
