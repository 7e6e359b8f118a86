// ocifeat.c - what this runtime supports, as runtime-spec features.md says
// to describe it: hooks yes, namespaces yes (but user), cgroups v1 and v2
// (the proxy's, cgroup.h; systemd's form is made without asking systemd,
// so "systemd" stays false), nothing of seccomp, AppArmor or SELinux, which
// have no meaning for firmware on another core.

#include "ocifeat.h"

const char rp_features_json[] =
    "{\n"
    "  \"ociVersionMin\": \"1.0.0\",\n"
    "  \"ociVersionMax\": \"1.2.0\",\n"
    "  \"hooks\": [\"prestart\", \"createRuntime\", \"poststart\", \"poststop\"],\n"
    "  \"mountOptions\": [],\n"
    "  \"linux\": {\n"
    "    \"namespaces\": [\"cgroup\", \"ipc\", \"mount\", \"network\", \"pid\", \"uts\"],\n"
    "    \"capabilities\": [],\n"
    "    \"cgroup\": {\"v1\": true, \"v2\": true, \"systemd\": false, \"systemdUser\": false},\n"
    "    \"seccomp\": {\"enabled\": false},\n"
    "    \"apparmor\": {\"enabled\": false},\n"
    "    \"selinux\": {\"enabled\": false}\n"
    "  },\n"
    "  \"annotations\": {\"io.github.rprocbox.version\": \"" RP_VERSION "\"}\n"
    "}\n";
