"""Use cases of volunteers' reports (随手拍): intake and reading back."""
