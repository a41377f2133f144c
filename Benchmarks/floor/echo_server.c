/*
 * Floor: a minimal server speaking multiprocessing.connection framing, without authentication.
 *
 *     echo_server PATH
 *
 * Listens on the Unix socket PATH, prints "listening on PATH" once bound, and serves every connection on its own
 * thread: each frame (4-byte signed big-endian length, or -1 followed by an 8-byte unsigned length) is sent back
 * unchanged. A Python client using multiprocessing.connection.Client(PATH) with send()/recv() therefore gets its
 * own pickle back, which measures what the Python client side and the kernel cost with a server that does nothing.
 * Runs until killed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

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

static void *serve_connection(void *argument) {
    int fd = (int)(intptr_t)argument;
    size_t capacity = 65536;
    unsigned char *buffer = malloc(capacity + 12);
    while (buffer != NULL) {
        unsigned char header[12];
        if (transfer_all(fd, header, 4, 0) != 0) {
            break;
        }
        int32_t short_length;
        memcpy(&short_length, header, 4);
        short_length = (int32_t)ntohl((uint32_t)short_length);
        uint64_t length;
        size_t header_size = 4;
        if (short_length == -1) {
            if (transfer_all(fd, header + 4, 8, 0) != 0) {
                break;
            }
            length = 0;
            for (int i = 4; i < 12; i++) {
                length = (length << 8) | header[i];
            }
            header_size = 12;
        } else if (short_length < 0) {
            break;
        } else {
            length = (uint64_t)short_length;
        }
        if (length > capacity) {
            unsigned char *grown = realloc(buffer, length + 12);
            if (grown == NULL) {
                break;
            }
            buffer = grown;
            capacity = length;
        }
        memcpy(buffer, header, header_size);
        if (transfer_all(fd, buffer + header_size, length, 0) != 0) {
            break;
        }
        if (transfer_all(fd, buffer, header_size + length, 1) != 0) {
            break;
        }
    }
    free(buffer);
    close(fd);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: echo_server PATH\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un address;
    memset(&address, 0, sizeof(address));
    address.sun_family = AF_UNIX;
    if (strlen(argv[1]) >= sizeof(address.sun_path)) {
        fprintf(stderr, "echo_server: socket path too long: %s\n", argv[1]);
        return 1;
    }
    strcpy(address.sun_path, argv[1]);
    unlink(argv[1]);
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof(address)) != 0 ||
        listen(listener, 4096) != 0) {
        fprintf(stderr, "echo_server: cannot listen on %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    printf("listening on %s\n", argv[1]);
    fflush(stdout);
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attributes, 256 * 1024);
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            fprintf(stderr, "echo_server: accept failed: %s\n", strerror(errno));
            return 1;
        }
        pthread_t thread;
        if (pthread_create(&thread, &attributes, serve_connection, (void *)(intptr_t)fd) != 0) {
            close(fd);
        }
    }
}
