"""The optimisation loop shared by every fine-tuning method.

AdamW with linear warm-up and decay, gradient clipping, early stopping on a
validation score, checkpoints every N steps and at each epoch end, ``resume``
after a kill, and a checkpoint on Ctrl-C. Checkpoints are safetensors + JSON
(never pickle): the trainable weights, the optimizer moments, the scheduler
position and the random state, so a resumed run continues the same sequence.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from lepton_ai.errors import E, LeptonError, W, warn
from lepton_ai.models.folder import checked_safetensors
from lepton_ai.progress import event_log, training_bar
from lepton_ai.settings import settings
from lepton_ai.training.threads import OtherLoad, threads_for, training_threads

Batch = list[int]
LAST = "last"
BEST = "best"


@dataclass
class LoopState:
    """Where a run is: what a checkpoint records besides tensors."""

    epoch: int = 0
    step_in_epoch: int = 0
    global_step: int = 0
    best_score: float = -math.inf
    best_epoch: int = -1
    bad_epochs: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and torch."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def length_batches(lengths: Sequence[int], batch_size: int, seed: int) -> list[Batch]:
    """Shuffled batches of similar length (less padding), in shuffled order.

    Indices are shuffled, cut into pools of 50 batches, each pool sorted by
    length and sliced, and the batches shuffled again: random, yet padded little.
    """
    rng = random.Random(seed)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = batch_size * 50
    batches: list[Batch] = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: lengths[i])
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def adamw(
    groups: Sequence[tuple[Sequence[tuple[str, nn.Parameter]], float]], weight_decay: float
) -> torch.optim.AdamW:
    """AdamW over ``(named parameters, learning rate)`` groups; no decay on biases/norms."""
    param_groups = []
    for named, lr in groups:
        decay = [p for n, p in named if p.requires_grad and not _no_decay(n)]
        plain = [p for n, p in named if p.requires_grad and _no_decay(n)]
        param_groups.append({"params": decay, "lr": lr, "weight_decay": weight_decay})
        param_groups.append({"params": plain, "lr": lr, "weight_decay": 0.0})
    return torch.optim.AdamW([g for g in param_groups if g["params"]])


def _no_decay(name: str) -> bool:
    return name.endswith("bias") or "LayerNorm" in name or "layer_norm" in name


def linear_schedule(
    optimizer: torch.optim.Optimizer, total_steps: int, warmup: float
) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warm-up over ``warmup`` of the steps, then linear decay to zero."""
    warm = max(1, int(total_steps * warmup))

    def factor(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return max(0.0, (total_steps - step) / max(1, total_steps - warm))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


class TrainingLoop:
    """Runs epochs of steps over one module, with checkpoints and early stopping.

    Args:
        module: everything being trained (its ``requires_grad`` parameters are saved).
        optimizer: built over the module's parameters.
        total_steps: steps of the whole run (for the schedule and the progress bar).
        checkpoint_dir: where ``last`` and ``best`` checkpoints go.
        warmup: share of warm-up steps.
        grad_clip: gradient norm limit.
        patience: epochs without improvement before stopping (with a validator).
        checkpoint_every: steps between ``last`` checkpoints.
        after_step: called with the global step after each optimizer step (AdaLoRA).
    """

    def __init__(
        self,
        module: nn.Module,
        optimizer: torch.optim.Optimizer,
        total_steps: int,
        checkpoint_dir: Path,
        *,
        warmup: float = 0.1,
        grad_clip: float = 1.0,
        patience: int = 2,
        checkpoint_every: int = 200,
        after_step: Callable[[int], None] | None = None,
        description: str = "training",
    ) -> None:
        self.module = module
        self.optimizer = optimizer
        self.scheduler = linear_schedule(optimizer, total_steps, warmup)
        self.total_steps = total_steps
        self.checkpoint_dir = checkpoint_dir
        self.grad_clip = grad_clip
        self.patience = patience
        self.checkpoint_every = checkpoint_every
        self.after_step = after_step
        self.description = description
        self.state = LoopState()
        self._load: OtherLoad | None = None  # other processes' CPU use, read each epoch

    def run(
        self,
        epochs: int,
        batches_for_epoch: Callable[[int], list[Batch]],
        step_loss: Callable[[Batch], torch.Tensor],
        validate: Callable[[], float] | None = None,
        resume: bool = False,
    ) -> LoopState:
        """Train; returns the final state (history of per-epoch scores)."""
        if resume:
            self.load(LAST)
            if settings.show_progress:
                from rich.console import Console

                Console(stderr=True).print(resume_note(self.description, self.state, epochs,
                                                       self.total_steps))
        state = self.state
        self._fit_threads()
        try:
            with training_bar(
                self.total_steps, self.description, settings.show_progress, state.global_step
            ) as advance:
                while state.epoch < epochs:
                    batches = batches_for_epoch(state.epoch)
                    mean_loss = self._run_epoch(batches, step_loss, advance)
                    record: dict[str, Any] = {
                        "epoch": state.epoch + 1, "step": state.global_step, "loss": mean_loss,
                    }
                    if validate is not None:
                        score = validate()
                        record["validation"] = score
                        if score > state.best_score:
                            state.best_score, state.best_epoch, state.bad_epochs = (
                                score, state.epoch, 0,
                            )
                            self.save(BEST, with_optimizer=False)
                        else:
                            state.bad_epochs += 1
                    state.history.append(record)
                    if (events := event_log()) is not None:
                        events.write("epoch", **record)  # loss and validation, for the console
                    state.epoch += 1
                    state.step_in_epoch = 0
                    self.save(LAST)
                    self._fit_threads()
                    if validate is not None and state.bad_epochs >= self.patience:
                        break
        except KeyboardInterrupt:
            self.save(LAST)
            warn(W.W204, path=self.checkpoint_dir)
            raise
        if validate is not None and (self.checkpoint_dir / f"{BEST}.safetensors").is_file():
            self.load(BEST, weights_only=True)
        return state

    def _fit_threads(self) -> None:
        """Use ``LEPTON_THREADS`` threads, fewer while other processes hold cores: sampled
        briefly before the first epoch, then measured over each epoch (no waiting)."""
        if self._load is None:
            threads, self._load = training_threads(), OtherLoad()
        else:
            threads = threads_for(self._load.cores())
        if threads != torch.get_num_threads():
            torch.set_num_threads(threads)
            self._say(f"training on {threads} thread(s)")

    def _say(self, note: str) -> None:
        """Say what changed about the run (on the progress console, when shown)."""
        if settings.show_progress:
            from rich.console import Console

            Console(stderr=True).print(f"[dim]{self.description}: {note}[/]")

    def _run_epoch(
        self,
        batches: list[Batch],
        step_loss: Callable[[Batch], torch.Tensor],
        advance: Callable[[int, str], None],
    ) -> float:
        """Run the epoch's remaining steps; returns their mean loss."""
        state = self.state
        self.module.train()
        started, seen, running, total, seen_batches = time.perf_counter(), 0, None, 0.0, 0
        for batch in batches[state.step_in_epoch :]:
            loss = step_loss(batch)
            loss.backward()
            if self.grad_clip:
                nn.utils.clip_grad_norm_(
                    [p for p in self.module.parameters() if p.requires_grad], self.grad_clip
                )
            self.optimizer.step()
            self.scheduler.step()
            if self.after_step is not None:
                self.after_step(state.global_step)
            self.optimizer.zero_grad(set_to_none=True)
            state.global_step += 1
            state.step_in_epoch += 1
            seen += len(batch)
            value = float(loss.detach())
            total += value
            seen_batches += 1
            running = value if running is None else 0.9 * running + 0.1 * value
            rate = seen / max(time.perf_counter() - started, 1e-9)
            advance(1, f"epoch {state.epoch + 1} loss {running:.4f} {rate:.0f} ex/s")
            if state.global_step % self.checkpoint_every == 0:
                self.save(LAST)
        return total / max(1, seen_batches)

    # --- checkpoints -----------------------------------------------------------------
    def _trainable(self) -> dict[str, torch.Tensor]:
        return {
            name: p.detach().contiguous()
            for name, p in self.module.named_parameters()
            if p.requires_grad
        }

    def save(self, tag: str, with_optimizer: bool = True) -> None:
        """Write checkpoint ``tag`` (weights, optimizer moments, RNG, loop state)."""
        from safetensors.torch import save_file

        self.checkpoint_dir.mkdir(parents=True, exist_ok=True)
        tensors = {f"model.{k}": v for k, v in self._trainable().items()}
        meta: dict[str, Any] = {"state": self.state.__dict__}
        if with_optimizer:
            optimizer_state = self.optimizer.state_dict()
            for index, slots in optimizer_state["state"].items():
                for key, value in slots.items():
                    tensor = value if torch.is_tensor(value) else torch.tensor(value)
                    tensors[f"optim.{index}.{key}"] = tensor.detach().contiguous()
            meta["param_groups"] = optimizer_state["param_groups"]
            meta["scheduler"] = {
                k: v for k, v in self.scheduler.state_dict().items() if k != "lr_lambdas"
            }
            tensors["rng.torch"] = torch.get_rng_state()
        partial = self.checkpoint_dir / f"{tag}.partial.safetensors"
        save_file(tensors, str(partial))
        (self.checkpoint_dir / f"{tag}.json").write_text(json.dumps(meta, default=float))
        partial.replace(self.checkpoint_dir / f"{tag}.safetensors")

    def load(self, tag: str, weights_only: bool = False) -> None:
        """Restore checkpoint ``tag``; LAI-E513 when there is none."""
        from safetensors.torch import load_file

        file = self.checkpoint_dir / f"{tag}.safetensors"
        if not file.is_file():
            raise LeptonError(E.E513, path=self.checkpoint_dir)
        tensors = load_file(str(checked_safetensors(file)))
        weights = {k[len("model.") :]: v for k, v in tensors.items() if k.startswith("model.")}
        missing = set(self._trainable()) - set(weights)
        if missing:
            raise LeptonError(E.E513, path=f"{self.checkpoint_dir} (it does not match this run)")
        params = dict(self.module.named_parameters())
        with torch.no_grad():
            for name, value in weights.items():
                params[name].copy_(value)
        if weights_only:
            return
        meta = json.loads((self.checkpoint_dir / f"{tag}.json").read_text())
        self.state = LoopState(**meta["state"])
        slots: dict[int, dict[str, torch.Tensor]] = {}
        for key, value in tensors.items():
            if key.startswith("optim."):
                _, index, slot = key.split(".", 2)
                slots.setdefault(int(index), {})[slot] = value
        self.optimizer.load_state_dict({"state": slots, "param_groups": meta["param_groups"]})
        self.scheduler.load_state_dict({**meta["scheduler"], "lr_lambdas": [None] * len(
            self.optimizer.param_groups)})
        torch.set_rng_state(tensors["rng.torch"])


def resume_note(description: str, state: LoopState, epochs: int, total_steps: int) -> str:
    """What ``--resume`` continues: the epoch in progress, or only the finishing work
    when the checkpoint was written after the last epoch."""
    where = (f"after its last epoch ({epochs} of {epochs}): only choosing the best epoch "
             "and saving remain" if state.epoch >= epochs
             else f"in epoch {state.epoch + 1} of {epochs}")
    return f"Resuming {description} at step {state.global_step} of {total_steps}, {where}"
