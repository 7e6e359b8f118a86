// ocifeat.c - what this runtime supports, as runtime-spec features.md says
// to describe it: hooks yes, namespaces yes (but user), nothing of cgroups,
// seccomp, AppArmor or SELinux, which have no meaning for firmware on
// another core.

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
    "    \"cgroup\": {\"v1\": false, \"v2\": false, \"systemd\": false, \"systemdUser\": false},\n"
    "    \"seccomp\": {\"enabled\": false},\n"
    "    \"apparmor\": {\"enabled\": false},\n"
    "    \"selinux\": {\"enabled\": false}\n"
    "  },\n"
    "  \"annotations\": {\"io.github.rprocbox.version\": \"" RP_VERSION "\"}\n"
    "}\n";
