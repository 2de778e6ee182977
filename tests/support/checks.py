"""How the Python end-to-end tests report: every failed check is printed as it happens
("FAIL: ...") and the test goes on, so one run shows all that is wrong; at the end the test
exits 1 if any check failed. fail() stops at once, for a failure the rest cannot run past.

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
    from checks import Checks, fail

    check = Checks()
    check(x == 1, f"x is {x}, not 1")
    check.finish("ok")        # or: return check.exit_code("ok") from a main()
"""
import sys


class Checks:
    def __init__(self):
        self.failures = []

    def __call__(self, condition, message):
        """Records message as a failure when condition is false; returns condition."""
        if not condition:
            self.failures.append(message)
            print("FAIL:", message, flush=True)
        return condition

    def failed(self):
        return bool(self.failures)

    def exit_code(self, passed_message):
        """1 after printing how many checks failed, else 0 after printing passed_message."""
        if self.failures:
            print(f"{len(self.failures)} check(s) failed")
            return 1
        print(passed_message)
        return 0

    def finish(self, passed_message):
        """Exits 1 if any check failed, else prints passed_message."""
        code = self.exit_code(passed_message)
        if code:
            sys.exit(code)


def fail(message):
    """Prints the failure and exits 1 at once."""
    print(f"FAIL: {message}", file=sys.stderr, flush=True)
    sys.exit(1)
