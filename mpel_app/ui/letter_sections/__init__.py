"""The case view's "Special handling" sections (issue 15): one small widget per special case of the guidance.

Each section (``base.StepSection``) decides from the letter, what is
recorded of its special case (``special_facts``) and its reply plan whether
it applies, owns its fields and accessible names, and runs its one use case
through the TaskRunner.  ``ui.letter_steps.LetterStepsPanel`` lists them.
"""
