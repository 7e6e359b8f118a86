// spec.c - unit tests of lib/spec.c: what a bundle's config.json may hold
//
// config.json comes from an image and, under Kubernetes, from pod authors:
// every list is bounded, every type checked, and the error names the field.
// These run the parser directly on text, where the end-to-end tests need a
// root, a simulator and an engine to reach one message.

#include "unit.h"

#include <errno.h>
#include <sched.h>

#include "spec.h"

static struct rp_spec s;
static struct rp_err e;
static char buf[256 * 1024];

static int parse(const char *js)
{
  rp_errclear(&e);
  return rp_spec_parse(js, strlen(js), &s, &e);
}

// A config.json with root and process around the given extra members.
static const char *with(const char *process_extra, const char *extra)
{
  snprintf(buf, sizeof(buf),
           "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},"
           " \"process\": {\"args\": [\"/fw.elf\"]%s}%s}", process_extra, extra);
  return buf;
}

static int refused(const char *js, int code, const char *msg)
{
  int r = parse(js);
  if (r != -code || e.code != code || strcmp(e.msg, msg)) printf("  r=%d code=%d \"%s\"\n", r, e.code, e.msg);
  return r == -code && e.code == code && !strcmp(e.msg, msg);
}

static int test_minimal(void)
{
  check(parse(with("", "")) == 0);
  check_str(s.version, "1.0.2");
  check_str(s.root, "rootfs");
  check_str(s.fw, "/fw.elf");
  check(s.terminal == 0 && s.nann == 0 && s.nns == 0 && !s.sandbox);
  check(rp_spec_processor(&s) == NULL && rp_spec_board(&s) == NULL);
  return 0;
}

static int test_root_and_process(void)
{
  check(refused("[]", EINVAL, "config.json must hold a JSON object"));
  check(refused("{\"process\": {}}", EINVAL, "config.json: root.path is missing"));
  check(refused("{\"root\": \"r\"}", EINVAL, "config.json: root must be an object"));
  check(refused("{\"root\": {\"path\": \"\"}}", EINVAL, "config.json: root.path is empty"));
  check(refused("{\"root\": {\"path\": \"r\"}}", EINVAL, "config.json: process is missing"));
  check(refused("{\"root\": {\"path\": \"r\"}, \"process\": 1}", EINVAL, "config.json: process must be an object"));
  check(refused("{\"root\": {\"path\": \"r\"}, \"process\": {}}", EINVAL, "config.json: process.args is missing"));
  check(refused("{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": \"x\"}}", EINVAL,
                "config.json: process.args must be a list"));
  check(refused("{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"a\", \"b\"]}}", EINVAL,
                "config.json: process.args must hold exactly one element, the firmware file in the "
                "container root (it holds 2)"));
  check(refused("{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"\"]}}", EINVAL,
                "config.json: process.args[0] is empty"));
  check(refused(with(", \"terminal\": \"yes\"", ""), EINVAL,
                "config.json: process.terminal must be true or false"));
  check(parse(with(", \"terminal\": true", "")) == 0 && s.terminal == 1);
  return 0;
}

// A Kubernetes sandbox (pause) holds no processor: any args, even none.
static int test_sandbox(void)
{
  const char *pod = "{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": []},"
                    " \"annotations\": {\"io.kubernetes.cri.container-type\": \"sandbox\"}}";
  check(parse(pod) == 0 && s.sandbox && s.fw == NULL);
  check(parse(with("", ", \"annotations\": {\"io.kubernetes.cri-o.ContainerType\": \"sandbox\"}")) == 0);
  check(s.sandbox);
  check(parse(with("", ", \"annotations\": {\"io.kubernetes.cri.container-type\": \"container\"}")) == 0);
  check(!s.sandbox);
  return 0;
}

static int test_env(void)
{
  check(parse(with(", \"env\": [\"PATH=/bin\", \"MCU=m4\", \"BOARD=imx8\"]", "")) == 0);
  check_str(s.mcu, "m4");
  check_str(s.board, "imx8");
  check_str(rp_spec_processor(&s), "m4");
  check_str(rp_spec_board(&s), "imx8");
  // The variable's name counts after JSON unescaping.
  check(parse(with(", \"env\": [\"\\u004dCU=dsp\"]", "")) == 0);
  check_str(s.mcu, "dsp");
  check(refused(with(", \"env\": \"MCU=m4\"", ""), EINVAL, "config.json: process.env must be a list"));
  check(refused(with(", \"env\": [\"A=1\", 4]", ""), EINVAL, "config.json: process.env[1] must be a string"));
  return 0;
}

static int test_annotations(void)
{
  check(parse(with(", \"env\": [\"MCU=m4\"]",
                   ", \"annotations\": {\"remoteproc.name\": \"dsp0\", \"remoteproc.board\": \"b\"}")) == 0);
  check(s.nann == 2);
  check_str(rp_spec_annotation(&s, "remoteproc.name"), "dsp0");
  check(rp_spec_annotation(&s, "remoteproc.nam") == NULL);
  check_str(rp_spec_processor(&s), "dsp0");  // the annotation wins over the image
  check_str(rp_spec_board(&s), "b");
  check(parse(with(", \"env\": [\"MCU=m4\"]", ", \"annotations\": {\"remoteproc.name\": \"\"}")) == 0);
  check_str(rp_spec_processor(&s), "m4");  // an empty annotation is no choice
  check(refused(with("", ", \"annotations\": []"), EINVAL, "config.json: annotations must be an object"));
  check(refused(with("", ", \"annotations\": {\"a\": 1}"), EINVAL, "config.json: a must be a string"));
  return 0;
}

static int test_annotation_limit(void)
{
  char extra[8192];
  size_t n = (size_t)snprintf(extra, sizeof(extra), ", \"annotations\": {");
  for (int i = 0; i <= RP_SPEC_ANN; i++)
    n += (size_t)snprintf(extra + n, sizeof(extra) - n, "%s\"k%d\": \"v\"", i ? ", " : "", i);
  snprintf(extra + n, sizeof(extra) - n, "}");
  check(refused(with("", extra), E2BIG, "config.json: more than 128 annotations"));
  return 0;
}

// The arena is bounded: a huge string is refused, never truncated.
static int test_too_much_text(void)
{
  static char big[sizeof(s.arena) + 64];
  memset(big, 'x', sizeof(big) - 1);
  big[sizeof(big) - 1] = 0;
  char *js = malloc(sizeof(big) + 256);
  check(js != NULL);
  snprintf(js, sizeof(big) + 256, "{\"root\": {\"path\": \"%s\"}}", big);
  rp_errclear(&e);
  int r = rp_spec_parse(js, strlen(js), &s, &e);
  free(js);
  if (r != -E2BIG) printf("  r=%d \"%s\"\n", r, e.msg);
  check(r == -E2BIG);
  check_str(e.msg, "config.json: too much text (at root.path)");
  return 0;
}

// Stored copies are re-read without an error record (e NULL): the failure
// still comes back as a code.
static int test_no_error_record(void)
{
  const char *js = "{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [3]}}";
  check(rp_spec_parse(js, strlen(js), &s, NULL) == -EINVAL);
  js = "{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"/f\"]}, \"annotations\": {\"a\": {}}}";
  check(rp_spec_parse(js, strlen(js), &s, NULL) == -EINVAL);
  return 0;
}

static int test_hooks(void)
{
  check(parse(with("", ", \"hooks\": {\"prestart\": [{\"path\": \"/bin/h\", \"args\": [\"h\", \"-x\"],"
                       " \"env\": [\"A=1\"], \"timeout\": 5}], \"poststop\": [{\"path\": \"/bin/p\"}]}")) == 0);
  check(s.nhook[RP_HOOK_PRESTART] == 1 && s.nhook[RP_HOOK_POSTSTOP] == 1 && s.nhook[RP_HOOK_POSTSTART] == 0);
  struct rp_hook *h = &s.hook[RP_HOOK_PRESTART][0];
  check_str(h->path, "/bin/h");
  check_str(h->argv[1], "-x");
  check(h->argv[2] == NULL);
  check_str(h->envp[0], "A=1");
  check(h->timeout == 5);
  h = &s.hook[RP_HOOK_POSTSTOP][0];
  check_str(h->argv[0], "/bin/p");  // no args: the path is argv[0]
  check(h->timeout == RP_HOOK_DEFAULT_TIMEOUT);
  check(refused(with("", ", \"hooks\": \"x\""), EINVAL, "config.json: hooks must be an object"));
  check(refused(with("", ", \"hooks\": {\"prestart\": [{}]}"), EINVAL, "config.json: prestart has no path"));
  check(refused(with("", ", \"hooks\": {\"poststart\": [{\"path\": \"h\"}]}"), EINVAL,
                "config.json: poststart path must be absolute"));
  check(refused(with("", ", \"hooks\": {\"poststart\": [{\"path\": 3}]}"), EINVAL,
                "config.json: poststart path must be a string"));
  check(refused(with("", ", \"hooks\": {\"prestart\": [{\"path\": \"/h\", \"timeout\": 0}]}"), EINVAL,
                "config.json: prestart timeout must be a positive number of seconds"));
  check(refused(with("", ", \"hooks\": {\"prestart\": [{\"path\": \"/h\", \"timeout\": 86401}]}"), EINVAL,
                "config.json: prestart timeout must be a positive number of seconds"));
  return 0;
}

static int test_hook_limits(void)
{
  char extra[4096];
  size_t n = (size_t)snprintf(extra, sizeof(extra), ", \"hooks\": {\"createRuntime\": [");
  for (int i = 0; i <= RP_SPEC_HOOKS; i++)
    n += (size_t)snprintf(extra + n, sizeof(extra) - n, "%s{\"path\": \"/h\"}", i ? ", " : "");
  snprintf(extra + n, sizeof(extra) - n, "]}");
  check(refused(with("", extra), EINVAL, "config.json: hooks.createRuntime must be a list of at most 8 hooks"));
  n = (size_t)snprintf(extra, sizeof(extra), ", \"hooks\": {\"prestart\": [{\"path\": \"/h\", \"args\": [");
  for (int i = 0; i <= RP_SPEC_HOOK_ARGS; i++)
    n += (size_t)snprintf(extra + n, sizeof(extra) - n, "%s\"a\"", i ? ", " : "");
  snprintf(extra + n, sizeof(extra) - n, "]}]}");
  check(refused(with("", extra), E2BIG, "config.json: prestart has more than 32 entries"));
  return 0;
}

static int test_namespaces(void)
{
  check(parse(with("", ", \"linux\": {\"namespaces\": [{\"type\": \"network\", \"path\": \"/proc/1/ns/net\"},"
                       " {\"type\": \"mount\", \"path\": \"\"}, {\"type\": \"cgroup\"}]}")) == 0);
  check(s.nns == 3);
  check(s.ns[0].type == CLONE_NEWNET);
  check_str(s.ns[0].path, "/proc/1/ns/net");
  check(s.ns[1].type == CLONE_NEWNS && s.ns[1].path == NULL);  // "" means a new one
  check(s.ns[2].type == CLONE_NEWCGROUP && s.ns[2].path == NULL);
  check_str(rp_spec_ns_name(CLONE_NEWNET), "network");
  check_str(rp_spec_ns_name(CLONE_NEWUTS), "uts");
  check_str(rp_spec_ns_name(1), "unknown");
  check(refused(with("", ", \"linux\": {\"namespaces\": [{\"type\": \"nope\"}]}"), EINVAL,
                "config.json: unknown namespace type nope"));
  check(refused(with("", ", \"linux\": {\"namespaces\": [{\"path\": \"/x\"}]}"), EINVAL,
                "config.json: linux.namespaces[0] has no type"));
  check(refused(with("", ", \"linux\": {\"namespaces\": {}}"), EINVAL,
                "config.json: linux.namespaces must be a list of at most 8"));
  return 0;
}

static int test_load(void)
{
  char dir[512];
  check(unit_tmpdir(dir, sizeof(dir), "spec") == 0);
  const char *cfg = unit_path(dir, "config.json");
  const char *js = with("", "");
  int ok = unit_write(cfg, js, strlen(js)) == 0;
  rp_errclear(&e);
  int r = ok ? rp_spec_load(dir, &s, &e) : -1;
  int fw_ok = r == 0 && s.fw && !strcmp(s.fw, "/fw.elf");
  // Over the size limit: refused without reading it all.
  static char huge[RP_SPEC_BYTES + 2];
  memset(huge, ' ', sizeof(huge));
  ok = ok && unit_write(cfg, huge, sizeof(huge)) == 0;
  rp_errclear(&e);
  int r2 = ok ? rp_spec_load(dir, &s, &e) : 0;
  unit_rmtree(dir);
  check(fw_ok);
  check(r2 < 0);
  return 0;
}

int main(void)
{
  RUN(test_minimal);
  RUN(test_root_and_process);
  RUN(test_sandbox);
  RUN(test_env);
  RUN(test_annotations);
  RUN(test_annotation_limit);
  RUN(test_too_much_text);
  RUN(test_no_error_record);
  RUN(test_hooks);
  RUN(test_hook_limits);
  RUN(test_namespaces);
  RUN(test_load);
  return unit_end();
}
