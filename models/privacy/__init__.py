"""A customer's personal data under PIPL (个人信息保护法): everything held about them as a download,
their anonymisation on request or after a retention period, keeping the books whole, and what a
device remembers of them for their next order."""
