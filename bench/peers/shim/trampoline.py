"""A stand-in for PyPI's `trampoline` package (torchsde's only dependency outside Debian's packages).

torchsde's BrownianInterval writes its deep recursions as generators: `yield sub_generator` calls a
sub-generator and resumes with its return value; `raise TailCall(sub_generator)` replaces the
running generator by another. `trampoline(gen)` runs such a chain on an explicit stack, so the
recursion depth of the Python interpreter is never reached. Written here from that contract (this
is not the PyPI package's source), so bench/peers/sde_torchsde.py runs with Debian's python3-torch.
"""


class TailCall(BaseException):
    """Raised inside a generator: continue with `call` in the raising generator's place."""

    def __init__(self, call):
        super().__init__()
        self.call = call


def trampoline(gen):
    stack = [gen]
    value = None
    while True:
        try:
            sub = stack[-1].send(value)
            stack.append(sub)
            value = None
        except StopIteration as done:
            stack.pop()
            value = done.value
            if not stack:
                return value
        except TailCall as tail:
            stack.pop()
            stack.append(tail.call)
            value = None
