"""Staff pages: the board and its actions, order detail, customers, fulfilment lists, exports and the inbox."""
