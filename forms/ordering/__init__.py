"""Customer-side forms: the order form built from a version, checkout, steppers, quantity changes and /my sign-in."""
