"""The self-checks of lessons 00, 16 and 18 accept the reference solutions and name what a typical mistake gets wrong."""

from __future__ import annotations

import numpy as np

from course.checks import deep as checks


# -- references, as the lessons' folded solutions write them -------------------------------------------
def play_episode(env, act, learn):
    obs, _ = env.reset()
    total, done = 0.0, False
    while not done:
        a = act(obs)
        obs2, r, terminated, truncated, _ = env.step(a)
        learn(obs, a, r, obs2, terminated)
        total += r
        obs, done = obs2, terminated or truncated
    return total


def dqn_targets(rewards, next_q_target, terminated, gamma):
    return rewards + gamma * (1 - terminated) * next_q_target.max(axis=1)


def double_dqn_targets(rewards, next_q_online, next_q_target, terminated, gamma):
    best = next_q_online.argmax(axis=1)
    return rewards + gamma * (1 - terminated) * next_q_target[np.arange(len(rewards)), best]


def discounted_returns(rewards, gamma):
    returns, g = np.zeros(len(rewards)), 0.0
    for t in reversed(range(len(rewards))):
        g = rewards[t] + gamma * g
        returns[t] = g
    return returns


def epsilon_at(step, start, end, decay_steps):
    if decay_steps == 0:
        return start
    return max(end, start + (end - start) * step / decay_steps)


def test_the_references_pass(capsys):
    assert checks.check_play_episode(play_episode)
    assert checks.check_dqn_targets(dqn_targets)
    assert checks.check_double_dqn_targets(double_dqn_targets)
    assert checks.check_discounted_returns(discounted_returns)
    assert checks.check_epsilon_at(epsilon_at)
    assert capsys.readouterr().out.count("Correct") == 5


def test_the_kits_own_code_passes_the_lesson_18_checks():
    from course import policies

    assert checks.problem_epsilon_at(
        lambda step, start, end, decay: policies.scheduled_epsilon(start, step, floor=end, linear_steps=decay)) is None


def test_a_loop_that_ignores_truncation_is_caught(capsys):
    def until_terminated(env, act, learn):
        obs, _ = env.reset()
        total, terminated = 0.0, False
        while not terminated:
            a = act(obs)
            obs2, r, terminated, truncated, _ = env.step(a)
            learn(obs, a, r, obs2, terminated)
            total, obs = total + r, obs2
        return total

    assert not checks.check_play_episode(until_terminated)
    assert "stop when terminated or truncated" in capsys.readouterr().out


def test_a_loop_that_learns_from_the_wrong_state_is_caught():
    def next_state_twice(env, act, learn):
        obs, _ = env.reset()
        total, done = 0.0, False
        while not done:
            a = act(obs)
            obs, r, terminated, truncated, _ = env.step(a)
            learn(obs, a, r, obs, terminated)
            total, done = total + r, terminated or truncated
        return total

    assert "step 1 should call learn(s, a, r, s2, terminated) = learn(0, 1, -1.0, 1, False)" in \
        checks.problem_play_episode(next_state_twice)


def test_bootstrapping_from_a_terminal_state_is_caught():
    def no_done(rewards, next_q_target, terminated, gamma):
        return rewards + gamma * next_q_target.max(axis=1)

    assert "terminal next state the target must be just r" in checks.problem_dqn_targets(no_done)
    assert not checks.check_dqn_targets(no_done)


def test_max_over_the_wrong_axis_is_caught():
    def wrong_axis(rewards, next_q_target, terminated, gamma):
        return rewards + gamma * (1 - terminated) * next_q_target.max(axis=0)

    problem = checks.problem_dqn_targets(wrong_axis)
    assert problem and "shape" in problem


def test_double_dqn_written_as_dqn_is_caught():
    def plain(rewards, next_q_online, next_q_target, terminated, gamma):
        return dqn_targets(rewards, next_q_target, terminated, gamma)

    assert "that is DQN's target" in checks.problem_double_dqn_targets(plain)


def test_double_dqn_valued_by_the_online_network_is_caught():
    def online_values(rewards, next_q_online, next_q_target, terminated, gamma):
        return rewards + gamma * (1 - terminated) * next_q_online.max(axis=1)

    assert "valued by the target network" in checks.problem_double_dqn_targets(online_values)


def test_returns_summed_from_the_start_are_caught():
    def forward(rewards, gamma):
        return np.cumsum(rewards * gamma ** np.arange(len(rewards)))

    assert "you summed from the start" in checks.problem_discounted_returns(forward)


def test_undiscounted_returns_are_caught():
    def undiscounted(rewards, gamma):
        return np.cumsum(rewards[::-1])[::-1]

    assert "G_t = R_(t+1) + gamma G_(t+1)" in checks.problem_discounted_returns(undiscounted)


def test_a_schedule_without_a_floor_is_caught():
    def no_floor(step, start, end, decay_steps):
        return start + (end - start) * step / decay_steps if decay_steps else start

    assert "fell below the floor" in checks.problem_epsilon_at(no_floor)


def test_an_error_in_the_students_code_is_reported_in_one_sentence():
    def broken(rewards, next_q_target, terminated, gamma):
        raise KeyError("oops")

    assert checks.problem_dqn_targets(broken) == "dqn_targets raised KeyError: 'oops'"
