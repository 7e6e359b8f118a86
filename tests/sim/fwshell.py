# fwshell.py - a scripted firmware shell on a pseudo-terminal: it stands in
# for a firmware that runs a shell over its rpmsg tty (tests/sim/fwshell.sh).
#
#   python3 fwshell.py INFO LOG
#
# Holds the pty's master (the firmware's end) and its slave (so the tty
# stays up between containers), writes "MAJ:MIN PATH" of the slave to INFO,
# appends every byte it receives to LOG, echoes what is typed and answers a
# line on CR or LF, as a Zephyr shell does:
#   version      fw-sim 1.0
#   echo TEXT    TEXT
#   sink N       stops reading for 1 s, then takes N bytes without echo
#                and answers "got N bytes MD5" (input must wait, not vanish)
#   quit         closes the pty and exits: the tty hangs up
#   (other)      unknown command: ...
# Every answer ends with the prompt "fw> ".
import hashlib, os, signal, sys, time

signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
master, slave = os.openpty()
rdev = os.fstat(slave).st_rdev
with open(sys.argv[1] + ".new", "w") as f:
    f.write("%d:%d %s\n" % (os.major(rdev), os.minor(rdev), os.ttyname(slave)))
os.rename(sys.argv[1] + ".new", sys.argv[1])
log = open(sys.argv[2], "ab", 0)


def take(n):
    got = b""
    while len(got) < n:
        got += os.read(master, n - len(got))
    log.write(got)
    return b"got %d bytes %s\r\n" % (n, hashlib.md5(got).hexdigest().encode())


def answer(line):
    if line == b"version":
        return b"fw-sim 1.0\r\n"
    if line.startswith(b"echo "):
        return line[5:] + b"\r\n"
    if line.startswith(b"sink "):
        time.sleep(1)
        return take(int(line[5:]))
    return b"unknown command: " + line + b"\r\n" if line else b""


line = b""
while True:
    data = os.read(master, 1)  # one byte at a time: a sink's data is not read ahead
    log.write(data)
    if data in (b"\r", b"\n"):
        if line == b"quit":
            sys.exit(0)
        os.write(master, b"\r\n" + answer(line) + b"fw> ")
        line = b""
    else:
        line += data
        os.write(master, data)
