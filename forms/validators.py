"""Validators every form shares.

WTForms' NumberRange asks `math.isnan` of the number, which turns it into a float: a whole
number of 400 digits (an IntegerField reads it) overflows that and the request ends in a 500.
`whole_number_within` compares the integers themselves."""

from wtforms.validators import ValidationError


def whole_number_within(low: int, high: int | None, message):
    """low <= the whole number (<= high, when there is one); a missing number passes (leave that
    to InputRequired or Optional)."""

    def check(form, field):
        number = field.data
        if number is not None and (number < low or (high is not None and number > high)):
            raise ValidationError(message)

    return check
