"""Runs Hugging Face transformers on the checkpoints HfParityExport wrote and compares its outputs with Loupe's.

Usage: python3 hf_reference.py CASES_DIR [OUT_JSON]
Needs torch, transformers, safetensors (not part of the build: run by hand where they are installed).
"""
import json
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file
from transformers import AutoConfig, AutoModel, AutoModelForCausalLM


def run_case(case: Path, device: str):
    meta = json.loads((case / "case.json").read_text())
    loupe = load_file(str(case / "loupe.safetensors"))
    tokens = loupe["tokens"].unsqueeze(0).to(device)
    config = AutoConfig.from_pretrained(case)
    encoder = meta["model_type"] == "bert"
    cls = AutoModel if encoder else AutoModelForCausalLM
    model = cls.from_pretrained(case, config=config, torch_dtype=torch.float32,
                                attn_implementation="eager").to(device).eval()
    with torch.no_grad():
        out = model(input_ids=tokens)
    ref = (out.last_hidden_state if encoder else out.logits)[0].double().cpu()
    ours = (loupe["last_hidden_state"] if encoder else loupe["logits"]).double()
    diff = (ref - ours).abs().max().item()
    scale = ref.abs().max().item()
    return {"case": case.name, "name": meta["name"], "device": device, "max_abs": diff,
            "rel": diff / scale if scale > 0 else diff, "tokens": int(tokens.shape[1])}


def main():
    root = Path(sys.argv[1])
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    results = []
    for case in sorted(p for p in root.iterdir() if (p / "case.json").exists()):
        for device in devices:
            try:
                r = run_case(case, device)
            except Exception as e:  # report and go on: one odd config must not hide the rest
                r = {"case": case.name, "device": device, "error": f"{type(e).__name__}: {e}"}
            results.append(r)
            print(json.dumps(r), flush=True)
    worst = max((r["rel"] for r in results if "rel" in r), default=float("nan"))
    errors = [r for r in results if "error" in r]
    summary = {"torch": torch.__version__, "transformers": __import__("transformers").__version__,
               "cases": len(results), "worst_rel": worst, "errors": len(errors), "results": results}
    print(f"worst relative error {worst:.3e} over {len(results)} runs, {len(errors)} errors")
    if len(sys.argv) > 2:
        Path(sys.argv[2]).write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
