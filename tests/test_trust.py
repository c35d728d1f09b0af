"""Sparse trust and membership stores."""

import numpy as np

from simulation.trust import Memberships, TrustStore


def test_unknown_pairs_read_as_baseline_and_are_added_on_demand():
    store = TrustStore(5, baseline=0.2)
    assert np.all(store.get(np.array([0, 1]), np.array([1, 2])) == 0.2)
    slots = store.ensure(np.array([0, 3]), np.array([1, 4]), initial=np.array([0.5, 0.7]))
    assert len(store) == 2 and np.allclose(store.value[slots], [0.5, 0.7])
    assert store.get(np.array([3]), np.array([4]))[0] == 0.7
    assert store.get(np.array([4]), np.array([3]))[0] == 0.2  # directed
    owner, partner = store.known_many(np.array([0, 3, 2]))
    assert owner.tolist() == [0, 1] and partner.tolist() == [1, 4]


def test_trust_falls_faster_than_it_rises():
    store = TrustStore(2, baseline=0.5)
    up = store.ensure(np.array([0]), np.array([1]))
    down = store.ensure(np.array([1]), np.array([0]))
    store.move_toward(up, np.array([1.0]), gain=0.1, loss=0.3)
    store.move_toward(down, np.array([0.0]), gain=0.1, loss=0.3)
    assert store.value[up][0] - 0.5 < 0.5 - store.value[down][0]


def test_idle_trust_decays_to_baseline():
    store = TrustStore(3, baseline=0.2)
    slots = store.ensure(np.array([0, 1]), np.array([1, 2]), initial=0.9)
    idle = np.array([True, False])
    for _ in range(200):
        store.decay(0.05, idle)
    assert store.value[slots[0]] < 0.21 and store.value[slots[1]] == 0.9


def test_memberships_track_current_members():
    members = Memberships()
    members.add(0, np.array([1, 2, 3]), 0.6, step=1, founder=True)
    members.add(1, np.array([2]), 0.5, step=2, founder=False)
    assert members.is_member(0, 2) and members.is_member(1, 2)
    members.end(np.array([1]), step=5, reason="low_commitment")
    assert not members.is_member(0, 2)
    assert members.left[1] == 5 and members.exit_reason[1] == "low_commitment"
    members.end(np.array([1]), step=9, reason="again")  # ending twice changes nothing
    assert members.left[1] == 5


def test_dense_and_sorted_indexes_find_the_same_slots():
    rng = np.random.default_rng(3)
    dense, sorted_ = TrustStore(30, 0.3, dense=True), TrustStore(30, 0.3, dense=False)
    for _ in range(20):
        src, dst = rng.integers(30, size=(2, 40))
        init = rng.random(40)
        a, b = dense.ensure(src, dst, init), sorted_.ensure(src, dst, init)
        assert a.tolist() == b.tolist()
        src, dst = rng.integers(30, size=(2, 60))
        assert dense.slots(src, dst).tolist() == sorted_.slots(src, dst).tolist()
        assert dense.get(src, dst).tolist() == sorted_.get(src, dst).tolist()
        orgs = rng.integers(30, size=5)
        for x, y in zip(dense.known_many(orgs), sorted_.known_many(orgs), strict=True):
            assert x.tolist() == y.tolist()
    assert dense.value.tolist() == sorted_.value.tolist()
