// devcd.c - drivers/base/devcoredump.c as user space sees it, for the
// dumps rproc_coredump() hands over: class/devcoredump/devcdN (N counts up
// from 0 and is never reused) with data (0600, size 0; reading gives the
// dump, any write frees it) and failing_device (a link to the processor).
// A device has at most one dump: a new one is dropped while one is there.
// A dump nobody frees goes after DEVCD_TIMEOUT (5 minutes), as in the
// kernel; an inline dump's recovery waits for it until then.

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"

#define DEVCD_MAX 8
#define DEVCD_TIMEOUT_MS 300000u

static struct {
  uint8_t *data;     // NULL: free slot
  size_t size;
  int num, proc;
  long long expires;
} devcds[DEVCD_MAX];
static int devcd_count;

static void lock(void) { pthread_mutex_lock(&g.mu); }
static void unlock(void) { pthread_mutex_unlock(&g.mu); }

static long long now_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

// Needs g.mu.
static void drop(int i)
{
  free(devcds[i].data);
  devcds[i].data = NULL;
}

// Needs g.mu; expired dumps go first.
static int slot_of(int num)
{
  for (int i = 0; i < DEVCD_MAX; i++)
    if (devcds[i].data && devcds[i].expires <= now_ms())
      drop(i);
  for (int i = 0; i < DEVCD_MAX; i++)
    if (devcds[i].data && devcds[i].num == num)
      return i;
  return -1;
}

void sim_devcd_add(int proc, uint8_t *data, size_t size, bool inline_dump)
{
  int free_slot = -1, num = -1;
  lock();
  slot_of(-1);
  for (int i = 0; i < DEVCD_MAX; i++) {
    if (devcds[i].data && devcds[i].proc == proc)
      free_slot = -2;   // dev_coredumpm(): this device has one already
    else if (!devcds[i].data && free_slot == -1)
      free_slot = i;
  }
  if (free_slot >= 0) {
    num = devcd_count++;
    devcds[free_slot].data = data, devcds[free_slot].size = size;
    devcds[free_slot].num = num, devcds[free_slot].proc = proc;
    devcds[free_slot].expires = now_ms() + DEVCD_TIMEOUT_MS;
  }
  unlock();
  if (num < 0) {
    free(data);
    return;
  }
  // rproc_coredump()'s wait_for_completion(): the free (a write to data,
  // or the timeout) completes it.
  for (bool there = inline_dump; there && sim_sleep_ms(10);) {
    lock();
    there = slot_of(num) >= 0;
    unlock();
  }
}

// The first dump numbered from or above: its number and processor, or -1.
int sim_devcd_each(int *num, int *proc, int from)
{
  int best = -1;
  lock();
  slot_of(-1);
  for (int i = 0; i < DEVCD_MAX; i++)
    if (devcds[i].data && devcds[i].num >= from && (best < 0 || devcds[i].num < devcds[best].num))
      best = i;
  if (best >= 0)
    *num = devcds[best].num, *proc = devcds[best].proc;
  unlock();
  return best < 0 ? -1 : 0;
}

long sim_devcd_read(int num, char *buf, size_t size, long off)
{
  long rc = 0;
  lock();
  int i = slot_of(num);
  if (i >= 0 && (size_t)off < devcds[i].size) {
    rc = devcds[i].size - off < size ? (long)(devcds[i].size - off) : (long)size;
    memcpy(buf, devcds[i].data + off, rc);
  }
  unlock();
  return rc;
}

void sim_devcd_free(int num)
{
  lock();
  int i = slot_of(num);
  if (i >= 0)
    drop(i);
  unlock();
}

long sim_devcd_size(int num)
{
  lock();
  int i = slot_of(num);
  long n = i >= 0 ? (long)devcds[i].size : 0;
  unlock();
  return n;
}
