"""Evaluation harness: measures the ``rag`` library, never re-implements it.

``rag.eval.metrics`` holds pure metric functions (retrieval, ALCE citation quality,
faithfulness, SQuAD answer correctness, refusal, latency); ``rag.eval.datasets``
loads and writes QA sets (our JSONL format and SQuAD 2.0); ``rag.eval.support_set``
builds the labelled sentence/passage pairs that measure the support scorer.
"""
