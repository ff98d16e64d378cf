"""The agent core of the reinforcement-learning course kit."""
