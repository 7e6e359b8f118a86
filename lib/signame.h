// signame.h - signal names and numbers as runc's callers send them

#ifndef RP_SIGNAME_H
#define RP_SIGNAME_H

// "9", "KILL", "SIGKILL", "kill" -> 9. Returns -EINVAL for anything else.
int rp_signal_parse(const char *s);

#endif
