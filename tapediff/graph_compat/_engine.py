"""Evaluating and differentiating compat graphs with tapediff's eager ops and its one tape.

An ``_Evaluation`` is one step: it computes each node at most once, walking the graph with an
explicit stack (inputs before consumers). When a gradient may be asked in the step, it computes
under persistent tapes that watch every leaf, and an ``OpGradient`` node is answered by the tape:
one reverse sweep gives the gradients of every node of its ``backward()`` call.

Higher order uses nested tapes. A value's *level* is how many gradient evaluations it went
through (0 for the forward pass, 1 for a first derivative, ...). With ``D`` tapes, every value
of level ``l`` is tracked by the outermost ``D - l`` tapes, and the gradient of a target of level
``l`` is asked from tape ``D - 1 - l`` while the outer tapes record that reverse sweep. ``D`` is
chosen before the step computes anything, from how many nested tapes each node needs (its
``_need``, raised by every ``backward()`` call), so later fetches of the step reuse its forward.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from typing import Any, cast

import numpy as np

from ..ops import shape as _sh
from ..ops._primitive import primitive
from ..tape import Tape
from ..tensor import Tensor, _wrap
from .operation import MissingFeedError, Operation, OpGradient, _render_name
from .ops import OpAdd, OpOnesLike, OpPlaceholder, OpVariable, _as_op, _broadcast, _Builtin

# The evaluation whose user-op ``_forward`` is running: its ``inp.forward(feed)`` calls read the
# values computed for this step instead of starting a new evaluation.
_ACTIVE_EVAL: ContextVar[_Evaluation | None] = ContextVar(
    "tapediff_graph_compat_evaluation", default=None
)
# While a user op's symbolic _backward() runs: where ``inp.backward(g)`` puts its g.
_CAPTURE: ContextVar[dict[Operation, Operation] | None] = ContextVar(
    "tapediff_graph_compat_capture", default=None
)


class GradRequest:
    """One ``target.backward(seed)`` call and the nodes it gave a gradient to."""

    __slots__ = ("fetched", "nodes", "seed", "sources", "target")

    def __init__(self, target: Operation, seed: Operation | None, sources: list[Operation]):
        self.target = target
        self.seed = seed
        self.sources = sources
        # The sources whose gradient has been evaluated, by id: a step's single reverse sweep
        # computes these (and all sources until any has been asked for).
        self.fetched: dict[int, Operation] = {}
        # The gradient node made for each source, by the source's id.
        self.nodes: dict[int, OpGradient] = {}


_BUILTIN_FORWARD = _Builtin._forward


def _is_builtin(node: Operation) -> bool:
    return type(node)._forward is _BUILTIN_FORWARD


# ----- user subclasses: _forward gives the value, the symbolic _backward gives the VJP -----


class _CotangentSlot(Operation):
    """The incoming gradient of a user op, as its symbolic ``_backward(gradient)`` sees it."""

    def __init__(self, node: Operation) -> None:
        self.inputs = []
        self.shape = tuple(node.shape)
        self.of = node
        super().__init__()

    def _get_op_name(self) -> str:
        return "gradient_slot"

    def _get_name(self) -> str:
        return _render_name(self)

    def _name_parts(self) -> list[str | Operation]:
        return ["gradient_of(", self.of, ")"]

    def _forward(self, feed_dict: Any) -> Any:
        raise RuntimeError(
            f"{self.name} is the incoming gradient of a user op's _backward(); it has a value "
            "only while that op is being differentiated"
        )


def _capture(node: Operation) -> tuple[Operation, list[Operation | None]]:
    """Run a user op's symbolic ``_backward`` once; return its slot and gradient per input."""
    if node._captured is None:
        slot = _CotangentSlot(node)
        captured: dict[Operation, Operation] = {}
        saved = node.gradient
        token = _CAPTURE.set(captured)
        try:
            node._backward(slot)
        finally:
            _CAPTURE.reset(token)
            node.gradient = saved
        per_input: list[Operation | None] = []
        seen: set[int] = set()
        for inp in node.inputs:
            # An input used twice gets the whole gradient once (it is summed per node).
            per_input.append(None if id(inp) in seen else captured.get(inp))
            seen.add(id(inp))
        node._captured = (slot, per_input)
    return node._captured


@primitive("graph_compat_user_op")
def _user_op(*arrays: Any, result: Any, node: Any, evaluation: Any) -> Any:
    return result


def _user_vjp(
    i: int, g: Tensor, out: Tensor, *inputs: Any, result: Any, node: Any, evaluation: Any
) -> Tensor:
    # Evaluate the op's symbolic gradient graph with the slot bound to g, on top of the values
    # of the step: the eager ops it runs are recorded by any outer tape (higher order).
    slot, grads = _capture(node)
    gop = grads[i] if i < len(grads) else None
    if gop is None:
        return _wrap(np.zeros(np.shape(inputs[i]), dtype=g.dtype))
    child = _Evaluation(parent=evaluation)
    child.values[slot] = g
    return child.evaluate([gop])[0]


_user_op.defvjp_all(
    lambda g, out, *inputs, **params: [
        _user_vjp(i, g, out, *inputs, **params) for i in range(len(inputs))
    ]
)
_user_op.tensor_vjp = True  # its VJP evaluates user graph code, which expects tensors


# ----- backward(): give every upstream node a deferred gradient -----


def backward(op: Operation, gradient: Any) -> None:
    """``op.backward(gradient)``; see :meth:`Operation.backward`."""
    captured = _CAPTURE.get()
    if captured is not None:
        # Inside a user op's _backward(): record the gradient it passes to this input.
        g = OpOnesLike(op) if gradient is None else _as_op(gradient)
        prev = captured.get(op)
        captured[op] = g if prev is None else OpAdd(prev, g)
        return
    seed = None if gradient is None else _as_op(gradient)
    if seed is not None:
        _check_seed(op, seed)
    sources = _differentiable_nodes(op)
    request = GradRequest(op, seed, sources)
    for node in sources:
        g = request.nodes[id(node)] = OpGradient(request, node)
        prev = node.gradient
        node.gradient = OpAdd(prev, g) if isinstance(prev, Operation) else g
    _raise_needs(op)


def _check_seed(op: Operation, seed: Operation) -> None:
    shape = tuple(op.shape)
    try:
        merged = _broadcast("backward", seed, op)
    except ValueError:
        merged = None
    if merged is None or len(merged) != len(shape):
        raise ValueError(
            f"backward: the gradient {seed.name} has shape {tuple(seed.shape)}, which does not "
            f"broadcast to the shape {shape} of {op.name}"
        )


def _grad_edges(node: Operation) -> list[Operation]:
    """The inputs a gradient flows to from ``node``; raises for non-differentiable nodes."""
    if isinstance(node, OpGradient):
        return [node.inputs[0], *node.inputs[2:]]
    if _is_builtin(node):
        builtin = cast(_Builtin, node)
        if not builtin._differentiable:
            raise NotImplementedError(
                f"backward: {node.name} has no gradient ({type(node).__name__} is not "
                "differentiable)"
            )
        return builtin._grad_inputs()
    _, grads = _capture(node)
    return [inp for inp, g in zip(node.inputs, grads, strict=True) if g is not None]


def _differentiable_nodes(root: Operation) -> list[Operation]:
    """``root`` and every node its gradient reaches, each once (linear in the graph size)."""
    order = [root]
    seen = {id(root)}
    i = 0
    while i < len(order):
        for inp in _grad_edges(order[i]):
            if id(inp) not in seen:
                seen.add(id(inp))
                order.append(inp)
        i += 1
    return order


def _post_order(roots: Sequence[Operation]) -> list[Operation]:
    """All nodes the roots depend on, inputs before consumers (explicit stack)."""
    order: list[Operation] = []
    seen: set[int] = set()
    stack: list[tuple[Operation, bool]] = [(r, False) for r in reversed(roots)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for inp in reversed(node.inputs):
            if id(inp) not in seen:
                stack.append((inp, False))
    return order


def _push_needs(node: Operation, k: int, need: dict[int, int]) -> None:
    """Pass the tape count ``k`` of ``node`` to its inputs (one more to a gradient's target)."""
    inputs = node.inputs
    if isinstance(node, OpGradient):
        for i, inp in enumerate(inputs):
            v = k + 1 if i < 2 else k
            if need.get(id(inp), -1) < v:
                need[id(inp)] = v
        return
    for inp in inputs:
        if need.get(id(inp), -1) < k:
            need[id(inp)] = k


def _raise_needs(target: Operation) -> None:
    """After ``target.backward()``: its value and everything above it need one tape more."""
    need = {id(target): 1}
    for node in reversed(_post_order([target])):
        k = need.get(id(node), 0)
        if k <= node._need:
            continue  # already propagated when the node's need was raised before
        node._need = k
        _push_needs(node, k, need)


# ----- evaluation -----


class _Evaluation:
    """The values of one step (or one ``forward()`` call), and the tapes they were recorded on."""

    def __init__(
        self,
        step_wide: bool = False,
        parent: _Evaluation | None = None,
        plans: PlanCache | None = None,
    ) -> None:
        # step_wide: later fetches of the step may ask gradients this one does not mention.
        self.step_wide = step_wide
        # Plans of a step's first run, kept by a Session from one step to the next.
        self.plans = plans
        # A child evaluation (a user op's VJP) reads its parent's values and owns no tape.
        self.parent = parent
        self.values: dict[Operation, Tensor] = {}
        self.levels: dict[Operation, int] = {}
        self.tapes: list[Tape] = []
        self.grads: dict[tuple[Operation, Operation | None], dict[Operation, Tensor]] = {}
        self.value_ids: set[int] = set()
        self.sweep_sources: dict[tuple[Operation, Operation | None], list[Operation]] = {}
        self.active = False
        if parent is None:
            self.feed_obj: Mapping[Any, Any] = {}
            self.by_node: dict[Operation, Any] = {}
            self.by_name: dict[str, Any] = {}
        else:
            self.feed_obj = parent.feed_obj
            self.by_node = parent.by_node
            self.by_name = parent.by_name

    def get(self, node: Operation) -> Tensor | None:
        ev: _Evaluation | None = self
        while ev is not None:
            v = ev.values.get(node)
            if v is not None:
                return v
            ev = ev.parent
        return None

    def evaluate(
        self,
        roots: Sequence[Operation],
        feed_dict: Mapping[Any, Any] | None = None,
        *,
        new_feed: bool = True,
    ) -> list[Tensor]:
        """The values of ``roots``, computing what this step has not computed yet.

        ``feed_dict`` adds to the step's feeds (a placeholder keeps the value it was first
        computed with until the step ends); ``new_feed=False`` keeps the feeds as they are.
        """
        if self.parent is None:
            if new_feed:
                self._set_feed(feed_dict)
            found = [self.values.get(r) for r in roots]
            if all(v is not None for v in found):
                _mark_fetched(roots)
                return cast(list[Tensor], found)  # computed by an earlier run of the step
        while True:
            order, required = self._plan(roots)
            if self.parent is not None or self.active or required <= len(self.tapes):
                break
            fresh = not self.values
            if not fresh:
                # More nested tapes are needed than the step was started with (backward() was
                # called after a run of the step): start the step again with enough of them.
                self._reset()
            self.tapes = [Tape(persistent=True) for _ in range(required)]
            if fresh:
                break
        if order:
            leaves = [node for node in order if not node.inputs]
            feeds = self._resolve_feeds(leaves)
            entered = self._enter()
            try:
                self._compute_leaves(leaves, feeds)
                self._compute_all(order)
            finally:
                if entered:
                    self._exit()
        return [cast(Tensor, self.get(r)) for r in roots]

    def _set_feed(self, feed_dict: Mapping[Any, Any] | None) -> None:
        feed = {} if feed_dict is None else feed_dict
        if type(feed) is not dict and not isinstance(feed, Mapping):
            raise TypeError(
                f"feed_dict must be a dict mapping placeholders (or their names) to values; "
                f"got {type(feed).__name__}"
            )
        by_node = self.by_node
        for key, value in feed.items():
            if isinstance(key, Operation):
                by_node[key] = value
            elif isinstance(key, str):
                if key != Operation.STEP_KEY:
                    self.by_name[key] = value
            else:
                raise TypeError(
                    "feed_dict keys must be placeholder ops or their names (str); "
                    f"got a key of type {type(key).__name__}"
                )
        self.feed_obj = feed

    def _reset(self) -> None:
        self.values = {}
        self.levels = {}
        self.grads = {}
        self.value_ids = set()

    def _plan(self, roots: Sequence[Operation]) -> tuple[list[Operation], int]:
        """The nodes still to compute (inputs first) and the number of tapes the step needs."""
        plans = self.plans
        if plans is None:
            return self._walk(roots)[:2]
        plan = plans.lookup(roots, self.values)
        if plan is None:
            order, required, boundary = self._walk(roots)
            plans.store(roots, order, boundary, required, self.levels)
            return order, required
        order, required, levels, grads, boundary = plan
        _mark_fetched(boundary)
        self.levels.update(levels)
        for g in grads:
            self.sweep_sources.setdefault(_sweep_key(g), []).append(g.inputs[1])
        return order, required

    def _walk(self, roots: Sequence[Operation]) -> tuple[list[Operation], int, list[Operation]]:
        order: list[Operation] = []
        boundary: list[Operation] = []
        seen: set[int] = set()
        grads: list[OpGradient] = []
        get = self.values.get if self.parent is None else self.get
        stack: list[tuple[Operation, bool]] = [(r, False) for r in reversed(roots)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            if get(node) is not None:
                boundary.append(node)
                if type(node) is OpGradient:
                    _mark_fetched((node,))
                continue
            if type(node) is OpGradient:
                grads.append(node)
            stack.append((node, True))
            try:
                inputs = node.inputs
            except AttributeError:
                raise TypeError(
                    f"graph inputs must be Operations; got {type(node).__name__}"
                ) from None
            for inp in reversed(inputs):
                if id(inp) not in seen:
                    stack.append((inp, False))
        if self.parent is not None:
            if grads:
                raise NotImplementedError(
                    "a user op's _backward() graph cannot contain .gradient nodes"
                )
            return order, 0, boundary
        for g in grads:
            self.sweep_sources.setdefault(_sweep_key(g), []).append(g.inputs[1])
        if not grads and not self.step_wide and not self.tapes:
            return order, 0, boundary
        levels = self.levels
        levels_get = levels.get
        for node in order:
            lv = 0
            if type(node) is OpGradient:
                for i, inp in enumerate(node.inputs):
                    # Nodes computed before any gradient was involved have level 0.
                    lv = max(lv, levels_get(inp, 0) + (i == 0))
            else:
                for inp in node.inputs:
                    li = levels_get(inp, 0)
                    if li > lv:
                        lv = li
            levels[node] = lv
        step_wide = self.step_wide
        need: dict[int, int] = dict.fromkeys(map(id, roots), 0)
        required = 0
        for node in reversed(order):
            k = need.get(id(node), 0)
            if step_wide and node._need > k:
                k = node._need
            if k + levels[node] > required:
                required = k + levels[node]
            _push_needs(node, k, need)
        for node in boundary:
            k = max(need.get(id(node), 0), node._need if step_wide else 0)
            required = max(required, k + levels_get(node, 0))
        return order, required, boundary

    def _resolve_feeds(self, order: Sequence[Operation]) -> dict[Operation, Any]:
        """Copies of the arrays fed to the placeholders (and variables) in ``order``, checked.

        Copies, so that a step's later runs (its gradients) see the data the step started with
        even if the caller refills the fed array in place in between.
        """
        resolved: dict[Operation, Any] = {}
        missing: list[Operation] = []
        named: dict[str, Operation] = {}
        for node in order:
            if isinstance(node, OpVariable):
                # As TensorFlow's feed_dict: the fed value replaces the variable's for this
                # evaluation (a Session step) only; the variable itself is unchanged.
                if node in self.by_node:
                    resolved[node] = _fed_variable(node, self.by_node[node])
                continue
            if not isinstance(node, OpPlaceholder):
                continue
            if node in self.by_node:
                value = self.by_node[node]
            elif self.by_name and node.name in self.by_name:
                other = named.setdefault(node.name, node)
                if other is not node:
                    raise ValueError(
                        f"feed_dict key {node.name!r} names more than one placeholder of the "
                        "graph; feed them by the placeholder ops instead"
                    )
                value = self.by_name[node.name]
            else:
                missing.append(node)
                continue
            arr = np.array(value)
            expected = node.shape
            fits = arr.ndim == len(expected)
            if fits:
                for d, n in zip(expected, arr.shape, strict=True):
                    if d is not None and d != n:
                        fits = False
            if not fits:
                raise ValueError(
                    f"placeholder {node.name}: fed a value of shape {arr.shape}, expected shape "
                    f"{expected} (None matches any length)"
                )
            resolved[node] = arr
        if missing:
            names = ", ".join(f"{p.name} (shape {p.shape})" for p in missing)
            raise MissingFeedError(
                f"no value fed for {len(missing)} placeholder(s): {names}; feed_dict keys may be "
                "the placeholder ops or their names",
                missing,
            )
        return resolved

    def _enter(self) -> bool:
        """Make the step's tapes record (unless they already do); True if this call did."""
        if self.active or not self.tapes:
            return False
        self.active = True
        for tape in self.tapes:
            tape.__enter__()
        return True

    def _exit(self) -> None:
        for tape in reversed(self.tapes):
            tape.__exit__(None, None, None)
        self.active = False

    def _compute_leaves(self, leaves: Sequence[Operation], feeds: Mapping[Operation, Any]) -> None:
        """Compute the nodes without inputs; every tape watches them, all at once."""
        values = self.values
        watched = []
        for node in leaves:
            if node in values:
                continue
            if node in feeds:
                value = _wrap(feeds[node])
            elif type(node)._forward is _BUILTIN_FORWARD:
                value = cast(_Builtin, node)._compute()
            else:
                value = self._compute_user(node)
            value = self._store(node, value)
            if value._array.dtype.kind in "fc":
                watched.append(value)
        if watched and self.tapes:
            for tape in self.tapes:
                tape.watch(watched)

    def _compute_all(self, order: Sequence[Operation]) -> None:
        """Compute the nodes of ``order`` not computed yet (the hot loop of every step)."""
        values = self.values
        get = values.get if self.parent is None else self.get
        tapes = self.tapes
        for node in order:
            if node in values:
                continue
            cls = type(node)
            if cls is OpGradient:
                value = self._store(node, self._gradient(cast(OpGradient, node)))
                if tapes and value._array.dtype.kind in "fc":
                    # A gradient nothing recorded (zeros) must still be tracked.
                    self._watch(node, value)
                continue
            if cls._forward is _BUILTIN_FORWARD:
                builtin = cast(_Builtin, node)
                value = self._store(node, builtin._compute(*[get(i) for i in node.inputs]))
                edges = builtin._grad_inputs()
            else:
                value = self._store(node, self._compute_user(node))
                edges = node.inputs
            if tapes and value._array.dtype.kind in "fc":
                for inp in edges:
                    v = get(inp)
                    if v is not None and v._array.dtype.kind in "fc":
                        break  # the tapes track it through the op they recorded
                else:
                    self._watch(node, value)

    def _watch(self, node: Operation, value: Tensor) -> None:
        for tape in self.tapes[: len(self.tapes) - self.levels[node]]:
            tape.watch(value)

    def _store(self, node: Operation, value: Tensor) -> Tensor:
        if id(value) in self.value_ids:
            value = _distinct(value)
        self.value_ids.add(id(value))
        self.values[node] = value
        return value

    def _compute_user(self, node: Operation) -> Tensor:
        inputs = [self.get(i) for i in node.inputs]
        token = _ACTIVE_EVAL.set(self)
        try:
            result = node._forward(self.feed_obj)
        finally:
            _ACTIVE_EVAL.reset(token)
        # A copy: the op may hand back an array it keeps (or one of its inputs' arrays).
        return _user_op.bind(*inputs, result=np.array(result), node=node, evaluation=self)

    def _gradient(self, node: OpGradient) -> Tensor:
        target, source = node.inputs[0], node.inputs[1]
        seed = node.inputs[2] if len(node.inputs) > 2 else None
        key = (target, seed)
        cache = self.grads.setdefault(key, {})
        if source not in cache:
            # One reverse sweep for the gradients of this backward() call that the step will
            # want: in a Session step, those fetched in earlier steps (all of them the first
            # time); otherwise those this evaluation fetches.
            request = node.request
            step_pool = self.step_wide and request.target is target and request.seed is seed
            pool: Sequence[Operation] = (
                (list(request.fetched.values()) or request.sources)
                if step_pool
                else self.sweep_sources.get(key, ())
            )
            wanted = [source]
            chosen = {id(source)}
            for n in pool:
                if id(n) not in chosen and n not in cache and n in self.values:
                    chosen.add(id(n))
                    wanted.append(n)
            tv = self.values[target]
            j = len(self.tapes) - 1 - self.levels[target]
            if j < 0:
                raise RuntimeError("graph_compat: too few tapes for this gradient (a bug)")
            sv = None
            if seed is not None:
                sv = self.values[seed]
                if sv.shape != tv.shape:
                    sv = _sh.broadcast_to(sv, tv.shape)
            sources = [self.values[n] for n in wanted]
            # Only the tapes outside tape j record its reverse sweep (the higher-order terms);
            # tape j and the inner ones step aside while it runs.
            suspended = self.tapes[j:] if self.active else []
            for tape in reversed(suspended):
                tape.__exit__(None, None, None)
            try:
                grads = self.tapes[j].gradient(tv, sources, sv, unconnected_gradients="zero")
            finally:
                for tape in suspended:
                    tape.__enter__()
            cache.update(zip(wanted, grads, strict=True))
            if step_pool:
                # A step's later runs will fetch the other gradient nodes of the sweep: give
                # them their values now.
                for n, g in zip(wanted[1:], grads[1:], strict=True):
                    other = request.nodes.get(id(n))
                    if (
                        other is not None
                        and other not in self.values
                        and (_sweep_key(other) == key and other.inputs[1] is n)
                    ):
                        self._adopt(other, g)
        node.request.fetched[id(source)] = source
        return cache[source]

    def _adopt(self, node: OpGradient, value: Tensor) -> None:
        """Store a gradient node's value computed by a sweep made for another node."""
        levels = self.levels
        inputs = node.inputs
        levels[node] = max(levels[inputs[0]] + 1, *(levels.get(i, 0) for i in inputs[1:]))
        value = self._store(node, value)
        if self.tapes and value._array.dtype.kind in "fc":
            self._watch(node, value)


class PlanCache:
    """Plans of recent steps' runs, reused while the graph and the step's progress match.

    A plan is the walk of the graph above the fetches: the nodes to compute in order, their
    levels and the number of tapes the step needs. It stays valid while every node keeps the
    same inputs and ``_need`` (which ``backward()`` raises), and the same nodes are already
    computed in the step; all of that is checked on each use.
    """

    LIMIT = 16  # plans kept (the oldest goes first): legacy loops fetch a few fixed ops

    def __init__(self) -> None:
        self._plans: dict[tuple[int, ...], _Plan] = {}

    def lookup(
        self, roots: Sequence[Operation], values: Mapping[Operation, Any]
    ) -> (
        tuple[list[Operation], int, dict[Operation, int], list[OpGradient], list[Operation]] | None
    ):
        plan = self._plans.get(tuple(map(id, roots)))
        if plan is None:
            return None
        if any(a is not b for a, b in zip(plan.roots, roots, strict=True)):
            return None
        for node, inputs, copy, need in plan.checks:
            if node.inputs is not inputs or inputs != copy or node._need != need:
                return None
            if node in values:
                return None
        for node, need in plan.boundary:
            if node._need != need or node not in values:
                return None
        return plan.order, plan.required, plan.levels, plan.grads, plan.computed

    def store(
        self,
        roots: Sequence[Operation],
        order: list[Operation],
        boundary: list[Operation],
        required: int,
        levels: dict[Operation, int],
    ) -> None:
        key = tuple(map(id, roots))
        self._plans.pop(key, None)
        if len(self._plans) >= self.LIMIT:
            del self._plans[next(iter(self._plans))]
        self._plans[key] = _Plan(roots, order, boundary, required, levels)


class _Plan:
    __slots__ = (
        "boundary",
        "checks",
        "computed",
        "grads",
        "levels",
        "order",
        "required",
        "roots",
    )

    def __init__(
        self,
        roots: Sequence[Operation],
        order: list[Operation],
        boundary: list[Operation],
        required: int,
        levels: dict[Operation, int],
    ) -> None:
        self.roots = tuple(roots)
        self.order = list(order)
        self.required = required
        self.levels = {n: levels.get(n, 0) for n in order}
        self.grads = [n for n in order if type(n) is OpGradient]
        self.checks = [(n, n.inputs, list(n.inputs), n._need) for n in order]
        self.boundary = [(n, n._need) for n in boundary]
        self.computed = list(boundary)


def _mark_fetched(nodes: Sequence[Operation]) -> None:
    """Note the gradient nodes among ``nodes`` as used: later steps sweep for them at once."""
    for node in nodes:
        if type(node) is OpGradient:
            source = node.inputs[1]
            node.request.fetched[id(source)] = source


def _distinct(value: Tensor) -> Tensor:
    """A new tensor equal to ``value``, for a node whose value is another node's tensor.

    Two nodes must never share a tensor (a tape would merge their gradients); a gradient can
    come back as the very tensor of another node's value.
    """
    return _sh.reshape(value, value.shape)


def _fed_variable(node: OpVariable, value: Any) -> Any:
    """A fed variable value as the variable would store it, after checking its shape."""
    if isinstance(value, Operation):
        raise TypeError(f"feed_dict: the value fed for variable {node.name} is a graph node")
    arr = np.array(value)
    if arr.dtype.kind not in "biufc":
        raise TypeError(
            f"variable {node.name}: fed a value of dtype {arr.dtype}; expected a numeric array"
        )
    if arr.shape != tuple(node.shape):
        raise ValueError(
            f"variable {node.name}: fed a value of shape {arr.shape}, expected shape "
            f"{tuple(node.shape)} (a variable's feed must match its shape exactly)"
        )
    return OpVariable._stored(arr)


def _sweep_key(node: OpGradient) -> tuple[Operation, Operation | None]:
    inputs = node.inputs
    return inputs[0], inputs[2] if len(inputs) > 2 else None


# ----- public entry points -----


def to_numpy(value: Tensor) -> Any:
    """A new array holding ``value`` (a NumPy scalar for 0-d values)."""
    arr = value._array
    return arr[()] if arr.ndim == 0 else arr.copy()


def forward(op: Operation, feed_dict: Mapping[Any, Any] | None) -> Any:
    """``op.forward(feed_dict)``; see :meth:`Operation.forward`."""
    active = _ACTIVE_EVAL.get()
    if active is not None and (feed_dict is None or feed_dict is active.feed_obj):
        # A user op's _forward() asking for an input: the step has (or computes) it.
        return to_numpy(active.evaluate([op], new_feed=False)[0])
    if isinstance(feed_dict, Mapping) and Operation.STEP_KEY in feed_dict:
        step = feed_dict[Operation.STEP_KEY]
        ev = _step_evaluation(op, step)
        value = ev.evaluate([op], feed_dict)[0]
        stamp = (step, ev)
        for node in ev.values:
            if node._step is not stamp:
                node._step = stamp
        return to_numpy(value)
    return to_numpy(_Evaluation().evaluate([op], feed_dict)[0])


def _step_evaluation(op: Operation, step: Any) -> _Evaluation:
    """The evaluation of step ``step`` that some node above ``op`` took part in, or a new one."""
    for node in _post_order([op]):
        stamp = node._step
        if stamp is not None and _same_step(stamp[0], step):
            return cast(_Evaluation, stamp[1])
    return _Evaluation(step_wide=True)


def _same_step(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False
