/* nfq_delay.c - gw-nfq-delay, a test rig helper: delays every packet of an NFQUEUE queue by a
 * fixed time, because the host kernel has no sch_netem (RIGS.md). Used with
 *   iptables -A OUTPUT -o IF -j NFQUEUE --queue-num N --queue-bypass
 * inside a test's network namespace. Packets are released in arrival order (a constant delay
 * keeps that order). SIGTERM stops it; --queue-bypass lets traffic flow once it is gone.
 *
 *   gw-nfq-delay --queue N --delay-ms D */
#include "gridwalk/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define RING 65536

static volatile sig_atomic_t stop;
static uint32_t ids[RING];
static double due[RING];
static size_t head, tail; /* ring of held packets: [head, tail) */
static double delay_s = 0.3;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa,
                     void *data)
{
    (void)msg;
    (void)data;
    struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
    if (!ph)
        return 0;
    uint32_t id = ntohl(ph->packet_id);
    if (tail - head >= RING) /* full: let it through undelayed rather than lose it */
        return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
    ids[tail % RING] = id;
    due[tail % RING] = now_s() + delay_s;
    tail++;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {{"queue", required_argument, NULL, 'q'},
                                          {"delay-ms", required_argument, NULL, 'd'},
                                          {NULL, 0, NULL, 0}};
    int queue = 0, ch;
    while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        if (ch == 'q')
            queue = (int)strtol(optarg, NULL, 10);
        else if (ch == 'd')
            delay_s = strtod(optarg, NULL) / 1000.0;
        else
            return 2;
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    struct nfq_handle *h = nfq_open();
    if (!h) {
        fprintf(stderr, "gw-nfq-delay: nfq_open: %s (needs root and nfnetlink_queue)\n",
                strerror(errno));
        return 1;
    }
    struct nfq_q_handle *qh = nfq_create_queue(h, (uint16_t)queue, on_packet, NULL);
    if (!qh || nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) {
        fprintf(stderr, "gw-nfq-delay: cannot bind queue %d: %s\n", queue, strerror(errno));
        nfq_close(h);
        return 1;
    }
    nfq_set_queue_maxlen(qh, RING);
    nfnl_rcvbufsiz(nfq_nfnlh(h), 8u << 20);
    int fd = nfq_fd(h);
    char buf[65536] __attribute__((aligned));
    fprintf(stderr, "gw-nfq-delay: queue %d, delay %.0f ms\n", queue, delay_s * 1000);
    while (!stop) {
        double t = now_s();
        while (head < tail && due[head % RING] <= t) {
            nfq_set_verdict(qh, ids[head % RING], NF_ACCEPT, 0, NULL);
            head++;
        }
        int wait_ms = head < tail ? (int)((due[head % RING] - t) * 1000) + 1 : 200;
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, wait_ms) > 0) {
            ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0)
                nfq_handle_packet(h, buf, (int)n);
            /* ENOBUFS: the kernel dropped queue messages under load; those packets are lost,
             * which a lossy link test tolerates. */
        }
    }
    while (head < tail)
        nfq_set_verdict(qh, ids[head++ % RING], NF_ACCEPT, 0, NULL);
    nfq_destroy_queue(qh);
    nfq_close(h);
    return 0;
}
