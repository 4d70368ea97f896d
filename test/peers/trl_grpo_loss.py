"""TRL's GRPO advantages and loss on given rewards, log-probs and masks.

The loss is TRL's own GRPOTrainer._compute_loss, called on a stand-in trainer whose model returns the
given log-probs. The advantages are TRL's own lines too: GRPOTrainer computes them inline in
_generate_and_score_completions, so the 'sum_then_normalize' block is cut out of that method's source
and run on the given rewards (one reward function, weight 1); if TRL moves that code, this fails loudly.
stdin: a list of {rewards, G, scale_rewards, loss_type, beta, epsilon, epsilon_high, max_completion_length,
        logprobs [B][T], old_logprobs [B][T] | null, ref_logprobs [B][T] | null, mask [B][T]}
stdout: a list of {advantages: [...], loss: float} (one Python start for every case: importing TRL is slow)"""
import inspect, json, sys, textwrap, types, warnings
from collections import defaultdict

warnings.filterwarnings("ignore")
import torch
from trl.trainer.grpo_trainer import GRPOTrainer
from trl.trainer.utils import nanstd

def _advantage_block():
    src = inspect.getsource(GRPOTrainer._generate_and_score_completions)
    start = src.index('        if self.multi_objective_aggregation == "sum_then_normalize":')
    end = src.index('        elif self.multi_objective_aggregation == "normalize_then_sum":', start)
    return compile(textwrap.dedent(src[start:end]), "trl-grpo-advantages", "exec")


ADVANTAGES = _advantage_block()


def trl_advantages(rewards, G, scale_rewards):
    scope = {
        "self": types.SimpleNamespace(
            multi_objective_aggregation="sum_then_normalize",
            reward_weights=torch.ones(1, dtype=torch.float64),
            scale_rewards=scale_rewards,
        ),
        "rewards_per_func": rewards.unsqueeze(1),
        "unscorable_mask": torch.zeros(rewards.shape[0], dtype=torch.bool),
        "num_generations": G,
        "device": "cpu",
        "torch": torch,
        "nanstd": nanstd,
    }
    exec(ADVANTAGES, scope)
    return torch.nan_to_num(scope["advantages"], nan=0.0)


def run(req):
    G = req["G"]
    rewards = torch.tensor(req["rewards"], dtype=torch.float64)
    adv = trl_advantages(rewards, G, req["scale_rewards"])

    logps = torch.tensor(req["logprobs"], dtype=torch.float64)
    mask = torch.tensor(req["mask"], dtype=torch.float64)


    class Acc:
        num_processes = 1
        sync_gradients = True
        def gather(self, x): return x
        def gather_for_metrics(self, x): return x
        def reduce(self, x, reduction="sum"): return x


    me = types.SimpleNamespace(
        top_entropy_quantile=1.0, off_policy_mask_threshold=None, importance_sampling_level="token",
        beta=req["beta"], loss_type=req["loss_type"], epsilon_low=req["epsilon"],
        epsilon_high=req["epsilon_high"] if req["epsilon_high"] is not None else req["epsilon"],
        args=types.SimpleNamespace(delta=None, use_bias_correction_kl=False), use_vllm=False,
        vllm_importance_sampling_correction=False, model=types.SimpleNamespace(training=True),
        current_gradient_accumulation_steps=1, accelerator=Acc(), max_completion_length=req["max_completion_length"],
        _entropy_bonus_enabled=False, aux_loss_enabled=False, _metrics={"train": defaultdict(list)},
    )
    me._get_per_token_logps_and_entropies = lambda *a, **k: (logps, torch.zeros_like(logps), None)
    B, T = logps.shape
    inputs = {
        "prompt_ids": torch.zeros(B, 1, dtype=torch.long), "prompt_mask": torch.ones(B, 1, dtype=torch.long),
        "completion_ids": torch.zeros(B, T, dtype=torch.long), "completion_mask": mask,
        "advantages": adv, "num_items_in_batch": mask.sum(),
    }
    if req.get("old_logprobs") is not None:
        inputs["old_per_token_logps"] = torch.tensor(req["old_logprobs"], dtype=torch.float64)
    if req.get("ref_logprobs") is not None:
        inputs["ref_per_token_logps"] = torch.tensor(req["ref_logprobs"], dtype=torch.float64)
    inputs["steps_per_generation"] = 1
    me.args.steps_per_generation = 1
    loss = GRPOTrainer._compute_loss(me, None, inputs)
    return {"advantages": adv.tolist(), "loss": loss.item()}


print(json.dumps([run(r) for r in json.load(sys.stdin)]))
