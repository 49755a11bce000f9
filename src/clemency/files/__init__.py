"""Stored files: the ``Document`` row, the blob store, the one upload check and text extraction.

Case documents and support letters are stored here; packets (``documents``) and letters
(``petitions``) build on it. It sits above ``cases`` (a file belongs to a case) and below every
package that uploads or reads a file.
"""
