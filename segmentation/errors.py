"""The two kinds of problem a user can cause, each with a message written for them.

- InputError: the data, the model or the code the user gave is at fault (for example a
  dataset folder with no images, a model file that does not load).
- UsageError: what the user asked for cannot be done as asked (a run folder that holds a
  run already, a checkpoint that is missing, a file that cannot be written).

Every error class of the library derives from one of them, so that a command line can
turn any of them into a message and an exit status without knowing each class.
"""


class InputError(Exception):
    """The user's data, model or code is at fault; the message says what and how to fix it."""


class UsageError(Exception):
    """The request cannot be carried out as asked; the message says why and what to do instead."""
