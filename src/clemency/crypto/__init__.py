"""Encryption at rest and key management (one small package with named purposes).

- :mod:`clemency.crypto.keys`: the key file, the process's keyring, ``key_for(purpose)``.
- :mod:`clemency.crypto.envelope`: AES-256-GCM envelope encryption of text and files.
- :mod:`clemency.crypto.columns`: the ``EncryptedText`` column type.
- :mod:`clemency.crypto.rotate`: re-encrypting everything under the active key.
"""
