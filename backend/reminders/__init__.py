"""Homework reminders: when a reminder is due (rules), the scheduler that sends them through
Rasa, and the client's reminder settings."""
