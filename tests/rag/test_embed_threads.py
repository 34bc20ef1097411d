"""Small encodes (a query, an answer's new sentences) run torch on one thread; the setting is restored."""

from __future__ import annotations

import threading

import pytest

from rag.embed import one_torch_thread


def test_one_thread_inside_and_restored_after_nesting_and_errors() -> None:
    torch = pytest.importorskip("torch")
    torch.set_num_threads(2)

    with one_torch_thread():
        assert torch.get_num_threads() == 1
        with one_torch_thread():
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 1  # the outer user is still inside
    with pytest.raises(RuntimeError), one_torch_thread():
        raise RuntimeError("boom")

    assert torch.get_num_threads() == 2


def test_overlapping_users_in_two_threads_restore_the_setting_once_both_left() -> None:
    torch = pytest.importorskip("torch")
    torch.set_num_threads(2)
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[int] = []

    def first() -> None:
        with one_torch_thread():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with one_torch_thread():
            second_in.set()
            first_out.wait(5)
            seen.append(torch.get_num_threads())  # the first left; this one is still inside

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)

    assert seen == [1]
    assert torch.get_num_threads() == 2
