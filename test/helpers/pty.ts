/** A pseudo-terminal for tests (Python's pty, argv only): what a person running the command sees. */
import { existsSync } from 'node:fs';

/** Debian's python3, when installed; tests that need a terminal skip without it. */
export const PYTHON = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p));

/** `python3 -c PTY <argv…>`: runs argv in a pty 200 columns wide, copies what the terminal shows to stdout, exits with its status. */
export const PTY = `
import os, pty, sys, fcntl, termios, struct
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 50, 200, 0, 0))
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
`;
