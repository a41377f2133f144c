/*
 * Floor: raw 64-byte round trips between two processes over a connected AF_UNIX stream socket pair.
 *
 *     pingpong [ITERATIONS]
 *
 * The parent sends 64 bytes, the forked child reads them and sends them back, the parent reads and checks them.
 * Prints one JSON object: {"rtt_us": microseconds per round trip, "iterations": N}. Exits 1 on any error or
 * if an echoed message differs from what was sent.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MESSAGE_SIZE = 64 };

static int transfer_all(int fd, unsigned char *buffer, size_t size, int writing) {
    size_t done = 0;
    while (done < size) {
        ssize_t n = writing ? write(fd, buffer + done, size - done) : read(fd, buffer + done, size - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    long iterations = argc > 1 ? atol(argv[1]) : 100000;
    long warmup = iterations / 10 + 1;
    int fds[2];
    if (iterations <= 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
        fprintf(stderr, "pingpong: bad iteration count or socketpair failed: %s\n", strerror(errno));
        return 1;
    }
    pid_t child = fork();
    if (child < 0) {
        perror("pingpong: fork");
        return 1;
    }
    unsigned char buffer[MESSAGE_SIZE];
    if (child == 0) {
        close(fds[0]);
        while (transfer_all(fds[1], buffer, MESSAGE_SIZE, 0) == 0) {
            if (transfer_all(fds[1], buffer, MESSAGE_SIZE, 1) != 0) {
                _exit(1);
            }
        }
        _exit(0);
    }
    close(fds[1]);
    unsigned char sent[MESSAGE_SIZE];
    double start = 0;
    for (long i = 0; i < warmup + iterations; i++) {
        if (i == warmup) {
            start = now_seconds();
        }
        memset(sent, (int)(i & 0xff), MESSAGE_SIZE);
        memcpy(sent, &i, sizeof(i));
        if (transfer_all(fds[0], sent, MESSAGE_SIZE, 1) != 0 || transfer_all(fds[0], buffer, MESSAGE_SIZE, 0) != 0) {
            fprintf(stderr, "pingpong: socket error at round trip %ld: %s\n", i, strerror(errno));
            return 1;
        }
        if (memcmp(sent, buffer, MESSAGE_SIZE) != 0) {
            fprintf(stderr, "pingpong: echo mismatch at round trip %ld\n", i);
            return 1;
        }
    }
    double elapsed = now_seconds() - start;
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    printf("{\"rtt_us\": %.3f, \"iterations\": %ld}\n", elapsed * 1e6 / (double)iterations, iterations);
    return 0;
}
