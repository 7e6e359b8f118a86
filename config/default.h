// default.h - build profile "default": every applet, every feature.
//
// Switches are 0/1 constants tested in plain `if`, so a disabled feature is
// still compiled (and type-checked) but dropped by --gc-sections.

#define CFG_PROFILE "default"

#define CFG_RUNTIME 1   // applet remoteproc-runtime (OCI runtime CLI)
#define CFG_SHIM 1      // applet containerd-shim-remoteproc-v1
#define CFG_RPROC 1     // applet rproc (board helper, boot-time launch)

#define CFG_JSON_LOG 1  // --log-format json
#define CFG_LABELS 1    // rproc labels: node-feature-discovery's feature file
