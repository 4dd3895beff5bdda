"""CloudWatch: the alarms the contracts declare (alarms.py) and the figures a run publishes (metrics.py)."""
