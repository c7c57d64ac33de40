"""The nightly job (SPEC §3.6 and §6 "Nightly"): alerts for the care team, reminders for carers.

How a night runs, module by module:

- ``schedule``: which diary day a clinic's night is for at a given UTC moment, and when it is
  due (the cut-off after the day, in the clinic's zone and in every zone its patients live in).
- ``runs``: the periodic trigger. It opens a ``NightRun`` per clinic and due night (catching
  up missed nights), splits the clinic's patients into batches of ids for the workers, notices
  when every patient is evaluated, and finishes the night by claiming its emails.
- ``services``: evaluates a batch of patients for one diary day with ``scoring.evaluate_alerts``
  through the same selectors as the pages, and stores the alerts through the database's
  one-unresolved-alert-per-rule constraint. A ``PatientEvaluation`` row per patient and day
  makes each day evaluated once, however often the night is run.
- ``digests`` and ``reminders``: who gets which email, recorded as ``EmailClaim`` rows before
  anything is sent. ``sending`` takes one claim, composes the email from the database at send
  time and sends it once.
- ``health``: whether the last night completed and the night's emails went out.

Tasks (``clinicians.nightly.tasks``) carry ids and ISO dates only and call these functions; the
management commands ``run_nightly``, ``send_reminders`` and ``check_nightly`` call the same ones.
Nothing here runs in a request that saves a diary: the job reads the database, so the diary
keeps working when the broker is down and the next run picks up what it missed.
"""
