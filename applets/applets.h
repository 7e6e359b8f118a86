// applets.h - THE applet list, kept by hand and sorted by name
// (tests/source.test checks order and uniqueness).
//
// APPLET(name, C identifier, config switch, one-line summary)
// Expanded by applet.h into <id>_main prototypes and by main.c into the
// dispatch table; a switch set to 0 in config/<profile>.h drops the applet.

APPLET("containerd-shim-remoteproc-v1", shim, CFG_SHIM,
       "containerd's shim: firmware as containerd tasks")
APPLET("remoteproc-runtime", runtime, CFG_RUNTIME,
       "OCI runtime: firmware as containers")
APPLET("rproc", rproc, CFG_RPROC,
       "remote processors: start, stop, inspect, boot")
