"""The app's lifecycle on autopilot: LWA client-secret rotation through the Application
Management API and its SQS notifications, re-authorization reminders, and delivery of the
webhook outbox.

May import: auth.config, auth.vault, auth.clients.
"""
