"""pkgapp: a package run as a program (`python3 -m pkgapp`, or `frost build samples/pkgapp`)."""
VERSION = "1.0"
