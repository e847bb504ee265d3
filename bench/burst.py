#!/usr/bin/env python3
"""burst.py: the burst of TestBurstExaminedByBothTiers against a running
spoor proxy, and the time its catch-up queue takes to drain.

   burst.py HOST:PORT LOGFILE [N]

Sends N (default 2000) requests of the burst's mix (attacks of several
families and benign requests) one after another on one keep-alive
connection, as fast as one client can, then waits for the proxy's --log
line saying the Core Rule Set's catch-up queue is empty, stamped after the
burst ended. Prints one line: BURST n=N send_s=S rps=R drain_s=D. It
fails when no such line comes within 300 s (as it would if nothing was
left pending when the burst ended)."""
import datetime
import http.client
import re
import sys
import time

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
MIX = [  # the same cycle as cmd/spoor/burst_test.go's burstMix
    ("GET", "/products/42?page=2", "", BROWSER),
    ("GET", "/search?q=1%27%20OR%20%271%27%3D%271", "", BROWSER),
    ("GET", "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "", BROWSER),
    ("GET", "/files/..%2f..%2f..%2fetc%2fpasswd?x=1", "", BROWSER),
    ("POST", "/api/orders", '{"sku":"A-1","qty":2}', BROWSER),
    ("GET", "/ping?host=127.0.0.1%3Bcat%20%2Fetc%2Fpasswd", "", BROWSER),
    ("POST", "/api/login", '{"user":"admin\' OR 1=1 --","password":"x"}', BROWSER),
    ("GET", "/hello?name=%7B%7B7*7%7D%7D", "", BROWSER),
    ("GET", "/products?sort=price&page=3", "", BROWSER),
    ("GET", "/q?code=%3C%3Fphp%20system(%27id%27)%3B%20%3F%3E", "", BROWSER),
    ("GET", "/", "", "Nikto/2.5.0"),
    ("GET", "/api/users/7/orders", "", BROWSER),
]


def drained_after(log, since):
    """Returns the time of the first 'queue is empty' line at or after since."""
    pat = re.compile(r'^time=(\S+) level=INFO msg="the Core Rule Set\'s catch-up queue is empty"')
    with open(log) as f:
        for line in f:
            m = pat.match(line)
            if m:
                t = datetime.datetime.fromisoformat(m.group(1)).timestamp()
                if t >= since:
                    return t
    return None


def main():
    addr, log = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    host, port = addr.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    start = time.time()
    for i in range(n):
        method, target, body, ua = MIX[i % len(MIX)]
        target += ("&" if "?" in target else "?") + "n=%d" % i
        headers = {"User-Agent": ua, "Accept": "application/json"}
        if body:
            headers["Content-Type"] = "application/json"
        conn.request(method, target, body=body.encode() or None, headers=headers)
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            sys.exit("burst: %s %s answered %d" % (method, target, resp.status))
    end = time.time()
    conn.close()
    drained = None
    deadline = end + 300
    while time.time() < deadline:
        drained = drained_after(log, end)
        if drained is not None:
            break
        time.sleep(0.05)
    if drained is None:
        sys.exit("burst: the catch-up queue did not drain within 300 s of the burst")
    print("BURST n=%d send_s=%.2f rps=%.0f drain_s=%.2f" % (n, end - start, n / (end - start), drained - end))


if __name__ == "__main__":
    main()
