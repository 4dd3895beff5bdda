"""The run's own figures as CloudWatch metrics: one namespace, the deployed table as the dimension.

`contracts.alarms.FIGURES` names them and their units; the alarms on
GsisNotActive and UploadErrorRate read them back. PutMetricData takes at most
1,000 metrics a request (Amazon CloudWatch API Reference); a run of the
sample sends 300.
"""

from __future__ import annotations

from datetime import datetime

from contracts.alarms import FIGURES, METRICS_NAMESPACE

MAX_METRICS_PER_REQUEST = 1000


def metric_data(figures: dict[str, dict[str, float]], at: datetime) -> list[dict]:
    """The MetricData of `figures` ({deployed table: {figure: value}}), every figure of FIGURES with its unit."""
    data = []
    for table, values in figures.items():
        unknown = set(values) - set(FIGURES)
        if unknown:
            raise ValueError(f"{table}: figures {sorted(unknown)} are not among those published ({', '.join(FIGURES)})")
        data += [
            {
                "MetricName": name,
                "Dimensions": [{"Name": "TableName", "Value": table}],
                "Timestamp": at,
                "Value": float(values[name]),
                "Unit": FIGURES[name],
            }
            for name in FIGURES
            if name in values
        ]
    return data


def publish_figures(cloudwatch, figures: dict[str, dict[str, float]], at: datetime) -> int:
    """PutMetricData of every figure under the tool's namespace; how many metrics were sent."""
    data = metric_data(figures, at)
    for start in range(0, len(data), MAX_METRICS_PER_REQUEST):
        cloudwatch.put_metric_data(
            Namespace=METRICS_NAMESPACE, MetricData=data[start : start + MAX_METRICS_PER_REQUEST]
        )
    return len(data)
