"""The reminder rules on a fixed clock: quiet hours in Brussels time (also across the daylight
saving time changes), once a day, snooze until tomorrow, and not in the middle of a chat."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from backend.chat.settings import ChannelSettings, QuietHours
from backend.config import Config, ConfigError
from backend.reminders.rules import after_quiet_hours, earliest_send, is_busy, local_day_bounds, snooze_until

BRUSSELS = ZoneInfo("Europe/Brussels")
QUIET = QuietHours()  # 21:00-08:00


def local(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS).astimezone(timezone.utc)


def utc(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


def when(due, **kwargs):
    return earliest_send(due, zone=BRUSSELS, quiet=QUIET, **kwargs)


@pytest.mark.parametrize(
    "due, expected",
    [
        (local(2026, 6, 10, 20, 59), local(2026, 6, 10, 20, 59)),  # just before the quiet hours
        (local(2026, 6, 10, 21, 0), local(2026, 6, 11, 8, 0)),  # quiet from 21:00 ...
        (local(2026, 6, 10, 23, 30), local(2026, 6, 11, 8, 0)),
        (local(2026, 6, 11, 0, 15), local(2026, 6, 11, 8, 0)),  # ... past midnight ...
        (local(2026, 6, 11, 7, 59), local(2026, 6, 11, 8, 0)),
        (local(2026, 6, 11, 8, 0), local(2026, 6, 11, 8, 0)),  # ... until 08:00
        (local(2026, 1, 15, 21, 0), local(2026, 1, 16, 8, 0)),  # winter time too
    ],
)
def test_no_reminders_between_nine_in_the_evening_and_eight_in_the_morning(due, expected):
    assert when(due).at == expected


def test_an_overdue_reminder_does_not_go_out_during_the_quiet_hours_either():
    due = local(2026, 6, 10, 10, 0)
    assert when(due, now=local(2026, 6, 10, 15, 0)).at == local(2026, 6, 10, 15, 0)
    late = when(due, now=local(2026, 6, 10, 23, 0))
    assert (late.at, late.held) == (local(2026, 6, 11, 8, 0), "quiet_hours")


def test_quiet_hours_are_wall_clock_hours_in_summer_and_in_winter():
    # 20:30 UTC is 22:30 in Brussels in summer (quiet) but 21:30 in winter (quiet as well);
    # 19:30 UTC is 21:30 in summer (quiet) and 20:30 in winter (not quiet).
    assert when(utc(2026, 7, 1, 19, 30)).at == utc(2026, 7, 2, 6, 0)  # 08:00 CEST = 06:00 UTC
    assert when(utc(2026, 12, 1, 19, 30)).at == utc(2026, 12, 1, 19, 30)
    assert when(utc(2026, 12, 1, 20, 30)).at == utc(2026, 12, 2, 7, 0)  # 08:00 CET = 07:00 UTC


def test_spring_forward_night_ends_at_eight_summer_time():
    # 2026-03-29: clocks go from 02:00 CET to 03:00 CEST. Quiet from Saturday 21:00 CET
    # (20:00 UTC) until Sunday 08:00 CEST (06:00 UTC): ten hours of real time, not eleven.
    due = utc(2026, 3, 28, 20, 0)
    assert due == local(2026, 3, 28, 21, 0)
    timing = when(due)
    assert timing.at == utc(2026, 3, 29, 6, 0)
    assert timing.held == "quiet_hours"
    assert timing.at - due == timedelta(hours=10)
    # A reminder set in the skipped hour (02:30 does not exist that night) waits until 08:00.
    assert when(utc(2026, 3, 29, 1, 30)).at == utc(2026, 3, 29, 6, 0)


def test_fall_back_night_ends_at_eight_winter_time():
    # 2026-10-25: clocks go from 03:00 CEST back to 02:00 CET. Quiet from Saturday 21:00 CEST
    # (19:00 UTC) until Sunday 08:00 CET (07:00 UTC): twelve hours of real time.
    due = local(2026, 10, 24, 21, 0)
    assert due == utc(2026, 10, 24, 19, 0)
    assert when(due).at == utc(2026, 10, 25, 7, 0)
    assert when(due).at - due == timedelta(hours=12)
    # 02:30 happens twice that night; both are quiet.
    assert when(utc(2026, 10, 25, 0, 30)).at == utc(2026, 10, 25, 7, 0)
    assert when(utc(2026, 10, 25, 1, 30)).at == utc(2026, 10, 25, 7, 0)
    # 20:59 on the Sunday evening is winter time: 19:59 UTC, not 18:59.
    assert when(local(2026, 10, 25, 20, 59)).at == utc(2026, 10, 25, 19, 59)


def test_at_most_one_reminder_per_local_day():
    sent = local(2026, 6, 10, 9, 0)
    timing = when(local(2026, 6, 10, 14, 0), last_sent_at=sent)
    assert timing.at == local(2026, 6, 11, 8, 0)
    assert timing.held == "once_a_day"  # to the next day, and there to the end of the quiet hours
    # An overdue reminder does not go out on the day another one went out either.
    assert when(local(2026, 6, 1, 9, 0), last_sent_at=sent).at == local(2026, 6, 11, 8, 0)
    # The next day it may.
    assert when(local(2026, 6, 11, 10, 0), last_sent_at=sent).at == local(2026, 6, 11, 10, 0)


def test_one_reminder_per_local_day_not_per_utc_day():
    # Sent at 00:30 UTC on 11 June = 02:30 in Brussels (never by the scheduler, but the rule must
    # use the local date): a reminder at 23:30 UTC on 10 June is 01:30 local on 11 June, the same day.
    sent = utc(2026, 6, 11, 0, 30)
    assert when(utc(2026, 6, 10, 23, 30), last_sent_at=sent).at == local(2026, 6, 12, 8, 0)


def test_one_reminder_per_day_across_the_fall_back_day():
    # 25 October 2026 has 25 hours; a reminder sent at 09:00 allows the next one only on the 26th.
    sent = local(2026, 10, 25, 9, 0)
    start, end = local_day_bounds(sent, BRUSSELS)
    assert end - start == timedelta(hours=25)
    assert when(local(2026, 10, 25, 20, 0), last_sent_at=sent).at == local(2026, 10, 26, 8, 0)


def test_snooze_means_tomorrow_at_the_same_time():
    now = local(2026, 6, 10, 10, 15)
    until = snooze_until(now, BRUSSELS, QUIET)
    assert until == local(2026, 6, 11, 10, 15)
    assert when(local(2026, 6, 10, 9, 0), snoozed_until=until).at == until
    assert when(local(2026, 6, 10, 9, 0), snoozed_until=until).held == "snoozed"


def test_snooze_in_the_evening_or_at_night_means_tomorrow_morning():
    assert snooze_until(local(2026, 6, 10, 22, 40), BRUSSELS, QUIET) == local(2026, 6, 11, 8, 0)
    assert snooze_until(local(2026, 6, 10, 6, 0), BRUSSELS, QUIET) == local(2026, 6, 11, 8, 0)


def test_snooze_across_the_spring_forward_night_keeps_the_wall_clock_time():
    # Saturday 10:00 CET -> Sunday 10:00 CEST, which is 23 hours later.
    now = local(2026, 3, 28, 10, 0)
    until = snooze_until(now, BRUSSELS, QUIET)
    assert until == local(2026, 3, 29, 10, 0)
    assert until - now == timedelta(hours=23)


def test_a_client_in_the_middle_of_a_chat_is_not_interrupted():
    now = utc(2026, 6, 10, 10, 0)
    assert is_busy(now, now - timedelta(minutes=5), in_exercise=False)
    assert not is_busy(now, now - timedelta(minutes=20), in_exercise=False)
    assert is_busy(now, now - timedelta(minutes=40), in_exercise=True)  # an exercise left open
    assert not is_busy(now, now - timedelta(minutes=90), in_exercise=True)  # Rasa's session expired
    assert not is_busy(now, None, in_exercise=False)
    assert not is_busy(now, now - timedelta(minutes=5), in_exercise=False, window=timedelta(minutes=2))


def test_other_quiet_hours_can_be_configured():
    quiet = QuietHours.parse("22:30-07:00")
    assert after_quiet_hours(local(2026, 6, 10, 22, 0), BRUSSELS, quiet) == local(2026, 6, 10, 22, 0)
    assert after_quiet_hours(local(2026, 6, 10, 22, 30), BRUSSELS, quiet) == local(2026, 6, 11, 7, 0)
    lunch = QuietHours.parse("12:00-13:00")  # a range within one day works too
    assert after_quiet_hours(local(2026, 6, 10, 12, 10), BRUSSELS, lunch) == local(2026, 6, 10, 13, 0)
    assert str(QUIET) == "21:00-08:00"


@pytest.mark.parametrize("raw", ["", "21-8", "25:00-08:00", "21:00-21:00", "nooit"])
def test_bad_quiet_hours_stop_the_backend_with_a_clear_message(raw):
    with pytest.raises(ConfigError, match="REMINDER_QUIET_HOURS"):
        ChannelSettings.from_env(Config(), {"REMINDER_QUIET_HOURS": raw or " "})


def test_channel_settings_from_the_environment():
    settings = ChannelSettings.from_env(
        Config(rasa_url="http://rasa:5005"),
        {"REMINDER_INTERVAL_SECONDS": "5", "TELEGRAM_VERIFY": "@LoopbaanBot", "RASA_PUBLIC_URL": "https://chat.example.org/rasa/"},
    )
    assert settings.reminder_interval_seconds == 5
    assert settings.telegram_bot_username == "LoopbaanBot"
    assert settings.rasa_public_url == "https://chat.example.org/rasa"
    assert ChannelSettings.from_env(Config(rasa_url="http://rasa:5005"), {}).rasa_public_url == "http://rasa:5005"
    with pytest.raises(ConfigError, match="REMINDER_INTERVAL_SECONDS"):
        ChannelSettings.from_env(Config(), {"REMINDER_INTERVAL_SECONDS": "vaak"})
