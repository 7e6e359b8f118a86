// boot.h - build profile "boot": only `rproc`, for a tiny initramfs that
// launches firmware before any container engine runs.

#define CFG_PROFILE "boot"

#define CFG_RUNTIME 0
#define CFG_SHIM 0
#define CFG_RPROC 1

#define CFG_JSON_LOG 0
// No Kubernetes node labels: an initramfs has no node-feature-discovery.
#define CFG_LABELS 0
