// ocifeat.h - the OCI runtime features document (runtime-spec features.md),
// printed by `remoteproc-runtime features` and carried in the shim's -info.

#ifndef RP_OCIFEAT_H
#define RP_OCIFEAT_H

extern const char rp_features_json[];

#endif
