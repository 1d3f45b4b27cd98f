"""The daily work of « Prévenez-moi », run by the task queue's workers: plan the digests (each
sent by its own job, alerts.emails.deliver_digest) and purge what expired."""

from procrastinate.contrib.django import app

from alerts.services import alerts_purge, digests_plan


# 05:00 UTC: 06:00 or 07:00 in Paris, before people read their mail; the night's imports are in.
@app.periodic(cron="0 5 * * *")
@app.task(queue="periodic", queueing_lock="alerts.send_digests")
def send_digests(timestamp: int) -> int:
    return digests_plan().digests


@app.periodic(cron="45 3 * * *")
@app.task(queue="periodic", queueing_lock="alerts.purge_alerts")
def purge_alerts(timestamp: int) -> int:
    alerts, _ = alerts_purge()
    return alerts
