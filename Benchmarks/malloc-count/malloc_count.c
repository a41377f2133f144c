/*
 * Counts a process's heap allocations, for the benchmark's "allocations per request" row.
 *
 *     cc -O2 -shared -fPIC -o malloc_count.so malloc_count.c
 *     MALLOC_COUNT_FILE=/tmp/count LD_PRELOAD=./malloc_count.so PROGRAM ...
 *
 * Every malloc, calloc, realloc (of NULL or to a new block), posix_memalign, aligned_alloc, memalign, valloc and
 * pvalloc adds one to a 64-bit counter kept in the first 8 bytes of MALLOC_COUNT_FILE (created, mapped shared), so
 * another process reads the count at any moment without signalling the counted one: read it, run N requests, read
 * it again. Without MALLOC_COUNT_FILE nothing is counted. The allocations themselves are glibc's (__libc_*), so no
 * dlsym bootstrap is needed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);

static uint64_t fallback;
static uint64_t *counter = &fallback;

__attribute__((constructor)) static void malloc_count_open(void) {
    const char *path = getenv("MALLOC_COUNT_FILE");
    if (path == NULL || *path == '\0') {
        return;
    }
    int fd = open(path, O_RDWR | O_CREAT, 0600);
    if (fd < 0) {
        return;
    }
    if (ftruncate(fd, sizeof(uint64_t)) == 0) {
        void *mapped = mmap(NULL, sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (mapped != MAP_FAILED) {
            counter = mapped;
            __atomic_store_n(counter, 0, __ATOMIC_RELAXED);
        }
    }
    close(fd);
}

static inline void count(void) { __atomic_add_fetch(counter, 1, __ATOMIC_RELAXED); }

void *malloc(size_t size) { count(); return __libc_malloc(size); }
void *calloc(size_t n, size_t size) { count(); return __libc_calloc(n, size); }
void *realloc(void *pointer, size_t size) {
    void *result = __libc_realloc(pointer, size);
    if (pointer == NULL || result != pointer) {
        count();
    }
    return result;
}
void *memalign(size_t alignment, size_t size) { count(); return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { count(); return __libc_memalign(alignment, size); }
void *valloc(size_t size) { count(); return __libc_valloc(size); }
void *pvalloc(size_t size) { count(); return __libc_pvalloc(size); }
int posix_memalign(void **result, size_t alignment, size_t size) {
    count();
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) {
        return 12; /* ENOMEM */
    }
    *result = pointer;
    return 0;
}
