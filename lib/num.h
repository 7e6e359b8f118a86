// num.h - strict decimal parsing: the whole string, digits only, in range

#ifndef RP_NUM_H
#define RP_NUM_H

// Parse all of s as a decimal in [0, max]. Returns 0, -EINVAL (empty, a
// sign, any non-digit) or -ERANGE. *out is only meaningful on 0.
int rp_num_parse(const char *s, unsigned long long max, unsigned long long *out);

// Same, for the prefix of s up to the first char not a digit; *rest points there.
int rp_num_prefix(const char *s, unsigned long long max, unsigned long long *out,
                  const char **rest);

#endif
