// opt.h - reentrant command-line option parser with long options
//
// State lives in a caller-owned struct (no global optind), so an applet can
// parse global flags, then a subcommand's flags, with two parsers. argv is
// never permuted: operands are handed back one by one as RP_OPT_OPERAND.

#ifndef RP_OPT_H
#define RP_OPT_H

enum { RP_OPT_FLAG = 0, RP_OPT_VALUE = 1 };  // rp_option.arg

// The table an applet parses with is also what its help lists, so every
// option shown is one the parser accepts.
struct rp_option {
  const char *name;  // long name without dashes, or NULL
  char letter;       // short letter, or 0
  char arg;          // RP_OPT_FLAG or RP_OPT_VALUE
  short id;          // > 0, returned when the option is seen
  const char *meta;  // the value's name in help ("MS"), for RP_OPT_VALUE
  const char *help;  // one line for help; NULL: accepted but not shown
};

enum {
  RP_OPT_END = 0,          // no more arguments
  RP_OPT_OPERAND = -1,     // g->arg is an operand (only without RP_OPT_INORDER)
  RP_OPT_EUNKNOWN = -2,    // g->bad names the unknown option
  RP_OPT_EMISSING = -3,    // the option needs a value
  RP_OPT_EEXTRA = -4,      // --flag=value given to a flag
};

enum {
  RP_OPT_INORDER = 1,    // stop at the first operand; g->ind indexes it
  RP_OPT_GOSTYLE = 2,    // Go flag package style: -name and --name are long,
                         // flags take =true/=false (then g->arg is set)
};

struct rp_getopt {
  int argc;
  char **argv;
  const struct rp_option *opts;
  int flags;
  int ind;              // next argv index to look at
  const char *cluster;  // rest of a short-option cluster ("-abc")
  int operands_only;    // after "--"
  const char *arg;      // value of the option just returned, or the operand
  char bad[64];         // offending option, for messages
};

// Parse argv[first..argc-1].
void rp_getopt_init(struct rp_getopt *g, int argc, char **argv, int first,
                    const struct rp_option *opts, int flags);

// Next option id (> 0), RP_OPT_OPERAND, RP_OPT_END, or a negative error.
int rp_getopt_next(struct rp_getopt *g);

// A sentence for a negative rp_getopt_next result, e.g. "unknown option --x".
void rp_getopt_error(const struct rp_getopt *g, int rc, char *buf, int cap);

#endif
