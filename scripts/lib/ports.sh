#!/usr/bin/env bash
# Free TCP ports on 127.0.0.1 for the throwaway servers of the tests (source this file).
#   free_port -> prints a port nothing listens on now, below the kernel's ephemeral range
# Why below that range: a port taken with bind(0) comes from the ephemeral range, and between the moment it is
# released and the moment the server binds it, any outgoing connection on the machine may be given it as its
# local port (a RabbitMQ node once failed to start here with "dist_port_already_used"). Ports below the range
# are never handed out that way; only a listener could hold one, and the bind test sees that. Falls back to
# bind(0) when the range starts too low to leave room.
free_port() {
  python3 - <<'PY'
import random, socket
try:
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError, IndexError):
    low = 32768
def free(port):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        return s.getsockname()[1]
    except OSError:
        return None
    finally:
        s.close()
candidates = list(range(20000, low)) if low > 21000 else []
random.shuffle(candidates)
for port in candidates[:200]:
    if free(port):
        print(port)
        break
else:
    print(free(0))
PY
}
