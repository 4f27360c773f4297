"""Writes tiny random checkpoints with transformers' own save_pretrained, and transformers' own activations on them.

Usage: python write_hf5_fixtures.py [OUT_DIR]   (default: ../resources/hf5 beside this script)
Needs torch, transformers 5, safetensors (~/.cache/loupe-ref/bin/python has them); the build never runs it.

Each OUT_DIR/<name>/ holds what save_pretrained wrote (config.json in transformers 5's layout, model.safetensors,
generation_config.json for causal LMs), config.v4.json (the same config in the transformers 4 layout: rotary
settings at the top level as rope_theta / rope_scaling, no layer_types), and expected.safetensors: the token ids
and, from transformers' eager forward pass, each layer's attention pattern [heads, q, k], the last hidden state
[pos, d_model] and the logits [pos, vocab]. The script checks that transformers 5 reads config.v4.json to the same
activations, so both layouts are tested against one truth. Rotary bases are not 10000, so a reader that misses
rope_parameters gives different attention patterns.
"""
import json
import shutil
import sys
import tempfile
from pathlib import Path

import torch
import transformers
from safetensors.torch import save_file
from transformers import (AutoConfig, AutoModelForCausalLM, AutoModelForMaskedLM, BertConfig, GPT2Config,
                          LlamaConfig, MistralConfig, Qwen2Config)

TOKENS = [3, 17, 42, 5, 60, 11, 29, 8, 50, 1]
COMMON = dict(vocab_size=64, num_hidden_layers=2, hidden_size=32, intermediate_size=64,
              max_position_embeddings=64)


def cases():
    return {
        "gpt2": (GPT2Config(vocab_size=64, n_positions=64, n_embd=32, n_layer=2, n_head=4, n_inner=64),
                 AutoModelForCausalLM),
        "llama": (LlamaConfig(**COMMON, num_attention_heads=4, num_key_value_heads=2,
                              rope_parameters={"rope_type": "linear", "factor": 2.0, "rope_theta": 50000.0}),
                  AutoModelForCausalLM),
        # A window shorter than the input, on every layer, as Mistral applies it.
        "mistral": (MistralConfig(**COMMON, num_attention_heads=4, num_key_value_heads=2, sliding_window=4,
                                  rope_parameters={"rope_type": "default", "rope_theta": 50000.0}),
                    AutoModelForCausalLM),
        # layer_types [full_attention, sliding_attention]: the window applies to layer 1 only.
        "qwen2": (Qwen2Config(**COMMON, num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True,
                              use_sliding_window=True, sliding_window=3, max_window_layers=1,
                              rope_parameters={"rope_type": "default", "rope_theta": 50000.0}),
                  AutoModelForCausalLM),
        "bert": (BertConfig(**COMMON, num_attention_heads=4, type_vocab_size=2), AutoModelForMaskedLM),
    }


def to_v4(config: dict) -> dict:
    """The transformers 4 spelling of a transformers 5 config.json."""
    v4 = dict(config)
    rope = v4.pop("rope_parameters", None)
    if rope is not None:
        rope = dict(rope)
        v4["rope_theta"] = rope.pop("rope_theta")
        v4["rope_scaling"] = None if rope.get("rope_type") == "default" and len(rope) == 1 else rope
    v4.pop("layer_types", None)
    if "dtype" in v4:
        v4["torch_dtype"] = v4.pop("dtype")
    v4["transformers_version"] = "4.46.0"
    return v4


def forward(model_dir: Path, auto):
    model = auto.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="eager").eval()
    with torch.no_grad():
        out = model(input_ids=torch.tensor([TOKENS]), output_attentions=True, output_hidden_states=True)
    expected = {"tokens": torch.tensor(TOKENS, dtype=torch.int64), "logits": out.logits[0].contiguous(),
                "last_hidden": out.hidden_states[-1][0].contiguous()}
    for layer, pattern in enumerate(out.attentions):
        expected[f"pattern.{layer}"] = pattern[0].contiguous()
    return expected


def main():
    out_root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / "resources" / "hf5"
    for name, (config, auto) in cases().items():
        torch.manual_seed(1234)
        model = auto.from_config(config, attn_implementation="eager").eval()
        with torch.no_grad():  # larger than the 0.02 init, so attention is far from uniform and rope shows
            for p in model.parameters():
                p.mul_(8.0 if p.dim() > 1 else 1.0)
        out = out_root / name
        shutil.rmtree(out, ignore_errors=True)
        model.save_pretrained(out, safe_serialization=True)
        expected = forward(out, auto)
        save_file(expected, str(out / "expected.safetensors"))

        v5 = json.loads((out / "config.json").read_text())
        v4 = to_v4(v5)
        (out / "config.v4.json").write_text(json.dumps(v4, indent=2, sort_keys=True) + "\n")
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / name
            shutil.copytree(out, copy)
            (copy / "config.json").write_text(json.dumps(v4))
            again = forward(copy, auto)
        for key, value in expected.items():
            if not torch.equal(value, again[key]):
                raise SystemExit(f"{name}: transformers reads config.v4.json to a different {key}")
        sizes = sum(f.stat().st_size for f in out.iterdir())
        print(f"{name}: {sizes} bytes, v4 layout reads the same", flush=True)
    print(f"transformers {transformers.__version__}, torch {torch.__version__}")


if __name__ == "__main__":
    main()
