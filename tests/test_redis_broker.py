"""The Celery app talks to a real Redis broker: a message sent is a message received."""

import uuid

from kombu import Connection


def test_a_message_round_trips_through_the_redis_broker(redis_url):
    queue_name = f"ifn-test-{uuid.uuid4()}"
    with Connection(redis_url, connect_timeout=3) as connection:
        queue = connection.SimpleQueue(queue_name)
        try:
            queue.put({"patient_id": 1, "date": "2026-11-20"})
            message = queue.get(timeout=5)
            assert message.payload == {"patient_id": 1, "date": "2026-11-20"}
            message.ack()
        finally:
            queue.clear()
            queue.close()
