-- A third route for messages: posts to the platform's Telegram channel.
ALTER TABLE outbox DROP CONSTRAINT outbox_channel_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_channel_check
    CHECK (channel IN ('sms', 'email', 'telegram'));
